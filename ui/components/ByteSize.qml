pragma Singleton
import QtQuick

// Sizes of memory for people: "1.5 GiB", "384 KiB", in binary units, as memory is sold.
QtObject {
    function text(bytes) {
        const units = ["B", "KiB", "MiB", "GiB", "TiB"]
        let value = bytes
        let unit = 0
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024
            ++unit
        }
        return (unit === 0 ? value : value.toFixed(1)) + " " + units[unit]
    }
}
