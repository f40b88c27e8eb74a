import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Chat
import Hearth.Settings

// Preferences: how gpt-oss answers, how the model is run, how Hearth looks, and what this build
// is. Every change is stored at once (AppSettings); the model settings apply when it is loaded.
Dialog {
    id: dialog

    property alias effortGroup: effortGroup
    property alias instructionsField: instructionsField
    property alias temperatureSlider: temperatureSlider
    property alias topPSlider: topPSlider
    property alias topKField: topKField
    property alias maxTokensField: maxTokensField
    property alias modelInUse: modelInUse
    property alias modelDetailsButton: modelDetailsButton
    property alias modelDetailsDialog: modelDetailsDialog
    property alias contextSelector: contextSelector
    property alias contextMemory: contextMemory
    property alias kvCacheSelector: kvCacheSelector
    property alias backendSelector: backendSelector
    property alias backendInUse: backendInUse
    property alias backendUnusable: backendUnusable
    // What this machine can run models on; surveyed off the GUI thread when the dialog first opens.
    property BackendOptions backendOptions: BackendOptions {}
    property alias reloadModelButton: reloadModelButton
    property alias themeSelector: themeSelector
    property alias fontSizeField: fontSizeField
    property alias languageSelector: languageSelector

    // A backend choice for people: "Automatic", "Vulkan: AMD Radeon RX 7800 XT", ...
    function backendLabel(kind, device) {
        switch (kind) {
        case "auto": return qsTr("Automatic")
        case "cuda": return qsTr("CUDA (NVIDIA)")
        case "vulkan": return device ? qsTr("Vulkan: %1").arg(device) : qsTr("Vulkan")
        default: return qsTr("CPU")
        }
    }

    onAboutToShow: {
        instructionsField.text = AppSettings.instructions
        backendOptions.survey()
    }

    title: qsTr("Settings")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(560, Overlay.overlay ? Overlay.overlay.width - 2 * Theme.spacingHuge : 560)
    height: Math.min(implicitHeight, Overlay.overlay ? Overlay.overlay.height - 2 * Theme.spacingLarge : 640)
    // Its own button rather than a standard one, so its label is translated with the rest.
    footer: DialogButtonBox {
        Button {
            objectName: "closeSettingsButton"
            text: qsTr("Close")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    ScrollView {
        id: scroller
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroller.availableWidth
            spacing: Theme.spacing

            SettingsSection { text: qsTr("Answers") }

            Label {
                text: qsTr("Reasoning effort")
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("How long gpt-oss thinks before it answers. Used for new chats.")
                wrapMode: Text.WordWrap
                color: Theme.textMuted
            }
            RowLayout {
                ButtonGroup {
                    id: effortGroup
                }
                Repeater {
                    model: [
                        { value: "low", label: qsTr("Low") },
                        { value: "medium", label: qsTr("Medium") },
                        { value: "high", label: qsTr("High") }
                    ]
                    RadioButton {
                        objectName: "effort_" + modelData.value
                        text: modelData.label
                        Accessible.name: qsTr("Reasoning effort: %1").arg(modelData.label)
                        ButtonGroup.group: effortGroup
                        checked: AppSettings.reasoningEffort === modelData.value
                        onToggled: AppSettings.reasoningEffort = modelData.value
                    }
                }
            }

            Label {
                text: qsTr("Instructions")
            }
            TextArea {
                id: instructionsField
                objectName: "instructionsField"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.max(implicitHeight, 72)
                Accessible.name: qsTr("Instructions for the model")
                placeholderText: qsTr("Given to the model at the start of every chat, e.g. \"Answer briefly, in Korean.\"")
                wrapMode: TextArea.Wrap
                background: Rectangle {
                    radius: Theme.radius / 2
                    color: Theme.surface
                    border.color: instructionsField.activeFocus ? Theme.accent : Theme.border
                }
                // Read when the dialog opens rather than bound, so storing each keystroke never
                // resets the text (and the cursor) under the user.
                onTextChanged: AppSettings.instructions = text
            }

            GridLayout {
                Layout.fillWidth: true
                columns: 3
                columnSpacing: Theme.spacing

                Label { text: qsTr("Temperature") }
                Slider {
                    id: temperatureSlider
                    objectName: "temperatureSlider"
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Temperature")
                    from: 0
                    to: 2
                    stepSize: 0.05
                    value: AppSettings.temperature
                    onMoved: AppSettings.temperature = Math.round(value * 100) / 100
                }
                Label { text: AppSettings.temperature.toFixed(2) }

                Label { text: qsTr("Top-p") }
                Slider {
                    id: topPSlider
                    objectName: "topPSlider"
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Top-p")
                    from: 0.05
                    to: 1
                    stepSize: 0.05
                    value: AppSettings.topP
                    onMoved: AppSettings.topP = Math.round(value * 100) / 100
                }
                Label { text: AppSettings.topP.toFixed(2) }

                Label { text: qsTr("Top-k") }
                SpinBox {
                    id: topKField
                    objectName: "topKField"
                    Accessible.name: qsTr("Top-k")
                    from: 0
                    to: 1000
                    editable: true
                    value: AppSettings.topK
                    onValueModified: AppSettings.topK = value
                }
                Label {
                    text: AppSettings.topK === 0 ? qsTr("no limit") : ""
                    color: Theme.textMuted
                }

                Label { text: qsTr("Longest answer") }
                SpinBox {
                    id: maxTokensField
                    objectName: "maxTokensField"
                    Accessible.name: qsTr("Longest answer in tokens")
                    from: 16
                    to: 131072
                    stepSize: 256
                    editable: true
                    value: AppSettings.maxAnswerTokens
                    onValueModified: AppSettings.maxAnswerTokens = value
                }
                Label {
                    text: qsTr("tokens, reasoning included")
                    color: Theme.textMuted
                }
            }

            SettingsSection { text: qsTr("Model") }

            ModelDetailsDialog {
                id: modelDetailsDialog
            }

            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: Theme.spacing

                Label { text: qsTr("Model") }
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        id: modelInUse
                        objectName: "modelInUse"
                        Layout.fillWidth: true
                        text: ChatController.modelReady ? ChatController.modelName : qsTr("No model loaded")
                        elide: Text.ElideMiddle
                    }
                    Button {
                        id: modelDetailsButton
                        objectName: "modelDetailsButton"
                        text: qsTr("Details…")
                        visible: ChatController.modelReady
                        onClicked: modelDetailsDialog.show(ChatController.modelPath)
                    }
                }

                Label { text: qsTr("Context length") }
                ComboBox {
                    id: contextSelector
                    objectName: "contextSelector"
                    Accessible.name: qsTr("Context length in tokens")
                    // 0: automatic, the largest the fit check says fits the device.
                    readonly property var sizes: [0, 2048, 4096, 8192, 16384, 32768, 65536, 131072]
                    readonly property string automaticLabel: ChatController.automaticContextLength > 0
                        ? qsTr("Automatic (%1 tokens)").arg(ChatController.automaticContextLength)
                        : qsTr("Automatic")
                    model: sizes
                    displayText: currentIndex === 0 ? automaticLabel : currentText
                    // Wide enough for the automatic label, which is none of the model's texts.
                    Layout.preferredWidth: Math.max(implicitWidth, automaticMetrics.advanceWidth
                                                    + leftPadding + rightPadding + Theme.spacingLarge)
                    TextMetrics {
                        id: automaticMetrics
                        font: contextSelector.font
                        text: contextSelector.automaticLabel
                    }
                    delegate: ItemDelegate {
                        required property int index
                        required property int modelData
                        width: ListView.view.width
                        text: index === 0 ? contextSelector.automaticLabel : modelData
                        highlighted: contextSelector.highlightedIndex === index
                    }
                    currentIndex: Math.max(0, sizes.indexOf(AppSettings.contextLength))
                    onActivated: index => AppSettings.contextLength = sizes[index]
                }
                Item { Layout.preferredWidth: 1 }
                Label {
                    id: contextMemory
                    objectName: "contextMemory"
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    color: Theme.textMuted
                    readonly property int chosen: AppSettings.contextLength > 0
                        ? AppSettings.contextLength : ChatController.automaticContextLength
                    // A model runs at most the context it was trained for.
                    readonly property int positions: ChatController.modelContextLength > 0
                        ? Math.min(chosen, ChatController.modelContextLength)
                        : chosen
                    readonly property real bytes: ChatController.modelReady
                        ? ChatController.kvCacheBytes(positions, AppSettings.kvCache) : -1
                    text: bytes < 0 ? qsTr("Load a model to see the memory this needs.")
                        : positions < chosen
                          ? qsTr("Its memory (KV cache): %1, for the %2 tokens this model allows")
                                .arg(ByteSize.text(bytes)).arg(positions)
                          : qsTr("Its memory (KV cache): %1").arg(ByteSize.text(bytes))
                }

                Label { text: qsTr("KV cache") }
                ComboBox {
                    id: kvCacheSelector
                    objectName: "kvCacheSelector"
                    Accessible.name: qsTr("KV cache")
                    Layout.fillWidth: true
                    readonly property var values: ["f16", "q8"]
                    model: [qsTr("16-bit"), qsTr("8-bit: half the memory, slightly less exact")]
                    currentIndex: Math.max(0, values.indexOf(AppSettings.kvCache))
                    onActivated: index => AppSettings.kvCache = values[index]
                }
                Item { Layout.preferredWidth: 1 }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    color: Theme.textMuted
                    text: qsTr("8-bit fits longer contexts on a GPU. The CPU keeps 32-bit values.")
                }

                Label { text: qsTr("Backend") }
                ComboBox {
                    id: backendSelector
                    objectName: "backendSelector"
                    Accessible.name: qsTr("Backend")
                    Layout.fillWidth: true
                    model: dialog.backendOptions
                    textRole: "value"
                    // A stored choice this machine no longer has (-1) shows as stored.
                    displayText: currentIndex < 0 ? AppSettings.backend : dialog.backendLabel(
                        dialog.backendOptions.get(currentIndex, "kind"),
                        dialog.backendOptions.get(currentIndex, "device"))
                    // The list fills in when the survey is done; until then only "auto" is there.
                    currentIndex: dialog.backendOptions.surveyed
                        ? dialog.backendOptions.indexOf(AppSettings.backend)
                        : 0
                    // A backend this machine cannot use is listed with the reason, disabled.
                    delegate: ItemDelegate {
                        required property int index
                        required property string kind
                        required property string device
                        required property bool usable
                        required property string detail
                        width: backendSelector.width
                        enabled: usable
                        text: dialog.backendLabel(kind, device) + (detail ? " — " + detail : "")
                        highlighted: backendSelector.highlightedIndex === index
                    }
                    onActivated: index => {
                        if (dialog.backendOptions.get(index, "usable"))
                            AppSettings.backend = dialog.backendOptions.get(index, "value")
                    }
                }
                Item { Layout.preferredWidth: 1 }
                Label {
                    id: backendUnusable
                    objectName: "backendUnusable"
                    // A choice stored before this machine lost it (a GPU removed, a driver gone)
                    // fails to load until another is chosen.
                    readonly property int row: backendSelector.currentIndex
                    visible: dialog.backendOptions.surveyed
                             && (row < 0 || !dialog.backendOptions.get(row, "usable"))
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    color: Theme.textMuted
                    text: !visible ? ""
                        : row < 0 ? qsTr("This device is not on this computer now; choose another.")
                        : qsTr("This cannot run the model here: %1")
                              .arg(dialog.backendOptions.get(row, "detail"))
                }
                Item { Layout.preferredWidth: 1 }
                Label {
                    id: backendInUse
                    objectName: "backendInUse"
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    color: Theme.textMuted
                    text: ChatController.modelReady
                          ? qsTr("In use: %1, %2 tokens of context")
                                .arg(ChatController.deviceName).arg(ChatController.contextLength)
                          : qsTr("No model loaded")
                }
            }
            Button {
                id: reloadModelButton
                objectName: "reloadModelButton"
                // The model runs with what it was loaded with until it is loaded again.
                visible: ChatController.modelReady
                         && (ChatController.loadedBackendChoice !== AppSettings.backend
                             || ChatController.loadedKvCache !== AppSettings.kvCache
                             || ChatController.contextLength !== contextMemory.positions)
                enabled: !ChatController.busy
                text: qsTr("Reload the model to apply")
                onClicked: ChatController.reloadModel()
            }

            SettingsSection { text: qsTr("Appearance") }

            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: Theme.spacing

                Label { text: qsTr("Theme") }
                ComboBox {
                    id: themeSelector
                    objectName: "themeSelector"
                    Accessible.name: qsTr("Theme")
                    textRole: "label"
                    readonly property var options: [
                        { value: "system", label: qsTr("As the system") },
                        { value: "light", label: qsTr("Light") },
                        { value: "dark", label: qsTr("Dark") }
                    ]
                    model: options
                    currentIndex: Math.max(0, options.findIndex(o => o.value === AppSettings.theme))
                    onActivated: index => AppSettings.theme = options[index].value
                }

                Label { text: qsTr("Text size") }
                SpinBox {
                    id: fontSizeField
                    objectName: "fontSizeField"
                    Accessible.name: qsTr("Text size in pixels")
                    from: 10
                    to: 24
                    value: AppSettings.fontSize
                    onValueModified: AppSettings.fontSize = value
                }

                Label { text: qsTr("Language") }
                ComboBox {
                    id: languageSelector
                    objectName: "languageSelector"
                    Accessible.name: qsTr("Language")
                    textRole: "label"
                    readonly property var options: [
                        { value: "system", label: qsTr("As the system") },
                        { value: "en", label: "English" },
                        { value: "ko", label: "한국어" }
                    ]
                    model: options
                    currentIndex: Math.max(0, options.findIndex(o => o.value === AppSettings.language))
                    onActivated: index => AppSettings.language = options[index].value
                }
                Item { Layout.preferredWidth: 1 }
                Label {
                    Layout.fillWidth: true
                    text: qsTr("The language changes when Hearth starts again.")
                    wrapMode: Text.WordWrap
                    color: Theme.textMuted
                }
            }

            SettingsSection { text: qsTr("About Hearth") }

            Label {
                objectName: "buildInfo"
                Layout.fillWidth: true
                text: qsTr("Version %1 (%2)\nBackends: %3")
                    .arg(BuildInfo.version).arg(BuildInfo.buildType).arg(BuildInfo.backends.join(", "))
                wrapMode: Text.WordWrap
            }
        }
    }
}
