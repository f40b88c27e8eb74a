// What the crash test's writer process streams, so the test can check the text it finds.
// Message `m` of a run has deltas 0..deltas(m)-1; the first five are reasoning, the rest answer.
#pragma once

#include <string>

namespace hearth::store::crash_text {

inline int deltas(int message) { return 30 + (message * 7) % 40; }

inline bool is_reasoning(int delta) { return delta < 5; }

inline std::string delta_text(int message, int delta) {
    // Mixed scripts and multi-byte characters, so a cut inside a character would show.
    return (delta % 3 == 0 ? " 생각" : " token") + std::to_string(message) + "." +
           std::to_string(delta);
}

inline std::string question(int message) { return "question " + std::to_string(message); }

// The whole text of one channel of message `m`.
inline std::string full_text(int message, bool reasoning) {
    std::string text;
    for (int d = 0; d < deltas(message); ++d) {
        if (is_reasoning(d) == reasoning) text += delta_text(message, d);
    }
    return text;
}

} // namespace hearth::store::crash_text
