import QtQuick
import Hearth

// What a tool call was answered with: Hearth has no tools, so always that the tool is not
// available. The text is the message the model was given, in the model's language (English).
ToolBlock {
    property string tool
    property string result

    objectName: "toolResultBlock"
    summary: qsTr("Tool result: %1 is not available in Hearth").arg(tool)
    text: result
}
