// One NVIDIA GPU as the CUDA backend runs it: its primary context, Hearth's kernels loaded from
// the embedded fatbin, one stream, device memory, page-locked host mailboxes, and graphs captured
// on that stream. The only layer above the driver table (cuda_driver_api.h) that calls the driver;
// the context is made current on whichever thread calls, since a sequence may run on another
// thread than the load. Threads share the stream one at a time: each stream call takes it, and
// hold_stream() keeps it across several (a sequence's step: copy in, replay, copy out, wait). The
// sequences of a model share the stream, so a wait for it waits for all of their work.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cuda_driver.h"
#include "cuda_driver_api.h"
#include "hearth/error.h"

namespace hearth::cuda {

class CudaDevice;

// Device memory, freed when dropped; its address goes to kernels as a pointer argument.
class DeviceBuffer {
  public:
    DeviceBuffer() = default;
    DeviceBuffer(DeviceBuffer&& other) noexcept;
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
    ~DeviceBuffer();
    CUdeviceptr address() const { return address_; }
    std::uint64_t size_bytes() const { return bytes_; }

  private:
    friend class CudaDevice;
    CudaDevice* device_ = nullptr;
    CUdeviceptr address_ = 0;
    std::uint64_t bytes_ = 0;
};

// A captured sequence of launches and copies, replayed with one call.
class CapturedGraph {
  public:
    CapturedGraph() = default;
    CapturedGraph(CapturedGraph&& other) noexcept;
    CapturedGraph& operator=(CapturedGraph&& other) noexcept;
    ~CapturedGraph();

  private:
    friend class CudaDevice;
    CudaDevice* device_ = nullptr;
    CUgraphExec exec_ = nullptr;
};

// A captured graph with an event before its first launch and after each, recorded by the graph
// itself on every replay: the device's own times of its launches (hearth-bench's profile).
class TimedGraph {
  public:
    TimedGraph() = default;
    TimedGraph(TimedGraph&& other) noexcept;
    TimedGraph& operator=(TimedGraph&& other) noexcept;
    ~TimedGraph();
    const CapturedGraph& graph() const { return graph_; }
    std::size_t launches() const { return events_.empty() ? 0 : events_.size() - 1; }

  private:
    friend class CudaDevice;
    CudaDevice* device_ = nullptr;
    CapturedGraph graph_;
    std::vector<CUevent> events_;
};

// Page-locked host memory the stream copies to and from without the host waiting, and an event
// that marks where the stream is done with it: the host can wait for one step's results without
// waiting for the work queued behind it (a step ahead).
class HostMailbox {
  public:
    HostMailbox() = default;
    HostMailbox(HostMailbox&& other) noexcept;
    HostMailbox& operator=(HostMailbox&& other) noexcept;
    ~HostMailbox();
    std::span<std::byte> bytes() const { return {static_cast<std::byte*>(data_), bytes_}; }

  private:
    friend class CudaDevice;
    CudaDevice* device_ = nullptr;
    void* data_ = nullptr;
    std::size_t bytes_ = 0;
    CUevent done_ = nullptr;
};

struct LaunchShape {
    unsigned grid_x = 1, grid_y = 1, grid_z = 1;
    unsigned block = 1; // threads, one dimension
};

class CudaDevice {
  public:
    // Takes the driver (which must list `ordinal`) and loads `fatbin` on that GPU.
    static Result<std::unique_ptr<CudaDevice>> open(CudaDriver driver, int ordinal,
                                                    std::span<const std::uint32_t> fatbin);
    CudaDevice(const CudaDevice&) = delete;
    CudaDevice& operator=(const CudaDevice&) = delete;
    ~CudaDevice();

    const std::string& name() const { return name_; }
    Result<std::uint64_t> free_memory();
    // Bytes its live buffers hold (what Model::device_memory_bytes says).
    std::uint64_t allocated_bytes() const { return allocated_bytes_; }

    [[nodiscard]] std::unique_lock<std::recursive_mutex> hold_stream() {
        return std::unique_lock(stream_mutex_);
    }

    Result<DeviceBuffer> allocate(std::uint64_t bytes);
    // Waits until the bytes are on the device.
    Result<void> upload(const DeviceBuffer& buffer, std::span<const std::byte> bytes);
    // Ordered on the stream: the copy happens before later launches and copies.
    Result<void> upload_async(const DeviceBuffer& buffer, std::span<const std::byte> bytes);
    Result<void> download_async(std::span<std::byte> bytes, const DeviceBuffer& buffer);
    // `bytes` from `from_offset` in `from` to `to_offset` in `to`, ordered on the stream.
    Result<void> copy_async(const DeviceBuffer& to, std::uint64_t to_offset,
                            const DeviceBuffer& from, std::uint64_t from_offset,
                            std::uint64_t bytes);
    Result<void> synchronize();
    Result<HostMailbox> create_mailbox(std::size_t bytes);
    // Marks the mailbox done once the stream has run what is queued on it so far (its copies).
    Result<void> mark_done(const HostMailbox& mailbox);
    // Waits for the stream to reach the mailbox's last mark.
    Result<void> wait(const HostMailbox& mailbox);

    // Launches kernel `kernel` of the fatbin on the stream; the arguments go by value in the
    // kernel's parameter order (CUdeviceptr for pointers).
    template <typename... Args>
    Result<void> launch(std::string_view kernel, LaunchShape shape, Args... args) {
        void* parameters[] = {static_cast<void*>(&args)...};
        return launch_with(kernel, shape, parameters);
    }

    // Runs `record` (which launches) under stream capture; its launches become the graph. It is
    // run once before that with every launch only looking its kernel up.
    Result<CapturedGraph> capture(const std::function<Result<void>()>& record);
    // capture(), with an event recorded before the first launch and after each.
    Result<TimedGraph> capture_timed(const std::function<Result<void>()>& record);
    Result<void> replay(const CapturedGraph& graph);
    // Seconds from the start of the last replay of `timed` (waited for) to the end of each of its
    // launches, after a 0 for the start.
    Result<std::vector<double>> launch_end_times(const TimedGraph& timed);

  private:
    friend class DeviceBuffer;
    friend class CapturedGraph;
    friend class TimedGraph;
    friend class HostMailbox;
    CudaDevice(CudaDriver driver, CUdevice device, std::string name);
    Result<void> make_current();
    Result<void> launch_with(std::string_view kernel, LaunchShape shape, void** parameters);
    // With `events`, each launch is followed by an event; the first event marks the start.
    Result<CapturedGraph> capture_with(const std::function<Result<void>()>& record,
                                       std::vector<CUevent>* events);
    // Timing a capture: creates the next event (while looking kernels up), or records it.
    Result<void> next_timing_event();
    const DriverApi& api() const { return driver_.api(); }

    CudaDriver driver_;
    CUdevice device_ = 0;
    std::string name_;
    CUcontext context_ = nullptr;
    CUmodule module_ = nullptr;
    CUstream stream_ = nullptr;
    std::atomic<std::uint64_t> allocated_bytes_ = 0;
    // Also guards functions_, looking_up_only_ and the timing events.
    std::recursive_mutex stream_mutex_;
    std::map<std::string, CUfunction, std::less<>> functions_;
    // capture(): launch() finds its kernel (and makes its timing event) and returns.
    bool looking_up_only_ = false;
    std::vector<CUevent>* timing_events_ = nullptr; // capture_timed()'s, while it captures
    std::size_t timing_events_recorded_ = 0;
};

} // namespace hearth::cuda
