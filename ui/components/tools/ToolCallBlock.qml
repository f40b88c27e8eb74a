import QtQuick
import Hearth

// The model called a tool (Hearth offers none, so it is answered that the tool is not available):
// which tool, and the arguments it wrote.
ToolBlock {
    property string tool
    // Not "arguments": in a binding that names JavaScript's own arguments object.
    property string callArguments

    objectName: "toolCallBlock"
    summary: qsTr("Tool call: %1").arg(tool)
    text: callArguments
}
