// Work run off the GUI thread, each job on a thread of its own, its result handed back on the
// owner's thread. Reading model headers can take seconds on a slow disk, so the library never
// does it on the GUI thread.
#pragma once

#include <QList>
#include <QObject>
#include <QThread>

#include <utility>

class BackgroundJobs {
  public:
    // `owner` receives the results; it must outlive this object (make it a member of the owner).
    explicit BackgroundJobs(QObject* owner) : owner_(owner) {}
    BackgroundJobs(const BackgroundJobs&) = delete;
    BackgroundJobs& operator=(const BackgroundJobs&) = delete;
    // Waits for the jobs still running; their results are dropped with the owner.
    ~BackgroundJobs() {
        for (QThread* thread : std::as_const(threads_)) {
            thread->wait();
            delete thread;
        }
    }

    // Runs `work()` on a new low-priority thread, then `done(result)` on the owner's thread.
    template <typename Work, typename Done>
    void run(Work work, Done done) {
        QThread* thread = QThread::create([owner = owner_, work = std::move(work),
                                           done = std::move(done)]() mutable {
            QMetaObject::invokeMethod(
                owner,
                [done = std::move(done), result = work()]() mutable { done(std::move(result)); },
                Qt::QueuedConnection);
        });
        threads_.append(thread);
        QObject::connect(thread, &QThread::finished, owner_, [this, thread] {
            threads_.removeOne(thread);
            thread->deleteLater();
        });
        thread->start(QThread::LowPriority);
    }

  private:
    QObject* owner_;
    QList<QThread*> threads_;
};
