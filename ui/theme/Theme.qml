pragma Singleton
import QtQuick
import Hearth.Settings

// Design tokens for light and dark. Components take every colour, size and font from here.
QtObject {
    id: theme

    // The settings' choice; "system" follows the desktop: a dark system palette gives the dark
    // theme.
    readonly property SystemPalette systemPalette: SystemPalette {}
    property bool dark: AppSettings.theme === "dark"
                        || (AppSettings.theme === "system" && systemPalette.window.hslLightness < 0.5)

    readonly property color window: dark ? "#1c1d20" : "#fbfbfa"
    readonly property color sidebar: dark ? "#151618" : "#f0efec"
    readonly property color surface: dark ? "#26272b" : "#ffffff"
    readonly property color border: dark ? "#34363b" : "#dedcd6"
    readonly property color text: dark ? "#ececec" : "#1f1f1f"
    readonly property color textMuted: dark ? "#9a9ca3" : "#6b6a66"
    readonly property color accent: "#d9622b"
    readonly property color accentText: "#ffffff"
    readonly property color notice: dark ? "#3a2a1f" : "#fbeee6"
    readonly property color codeBackground: dark ? "#222327" : "#f3f2ef"
    readonly property color selection: dark ? "#5a4030" : "#f4c9b3"

    readonly property int spacingSmall: 4
    readonly property int spacing: 8
    readonly property int spacingLarge: 16
    readonly property int spacingHuge: 32
    readonly property int radius: 10

    // Every text size follows the settings' font size (14 by default).
    readonly property int fontSize: AppSettings.fontSize
    readonly property int fontSizeSmall: fontSize - 2
    readonly property int fontSizeTitle: fontSize + 4
    readonly property int fontSizeHero: fontSize + 12
    readonly property int fontSizeCode: fontSize - 1
    readonly property string monoFontFamily: "DejaVu Sans Mono"

    // Markdown headings, level 1 to 6.
    function headingSize(level) {
        return fontSize + [8, 5, 2, 1, 0, 0][Math.min(Math.max(level, 1), 6) - 1]
    }

    readonly property int sidebarWidth: 264
    readonly property int contentMaxWidth: 760
    readonly property int listIndent: 22
    readonly property int quoteInset: 14
}
