// Checks that a screenshot of the app shows the shell: a window of the expected size, a sidebar
// in a different colour from the chat area, and enough distinct colours to hold rendered text.
#include <QImage>
#include <QSet>

#include <cstdio>

int main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fputs("usage: screenshot_check FILE.png\n", stderr);
        return 2;
    }
    const QImage image(QString::fromLocal8Bit(argv[1]));
    if (image.isNull()) {
        std::fprintf(stderr, "screenshot_check: cannot read %s\n", argv[1]);
        return 1;
    }
    int failures = 0;
    auto expect = [&failures](bool ok, const char* what) {
        std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
        failures += ok ? 0 : 1;
    };
    expect(image.width() >= 640 && image.height() >= 420, "window is at least 640x420");

    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    }
    std::printf("     %lld distinct colours\n", static_cast<long long>(colours.size()));
    expect(colours.size() >= 32, "the window shows rendered text, not a blank fill");

    // Bottom-left corner is sidebar, the top of the chat area's right half is page background.
    const QRgb sidebar = image.pixel(4, image.height() - 4);
    const QRgb page = image.pixel(image.width() * 3 / 4, image.height() / 4);
    expect(sidebar != page, "the sidebar and the chat area differ in colour");
    return failures == 0 ? 0 : 1;
}
