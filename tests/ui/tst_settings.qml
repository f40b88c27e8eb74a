import QtQuick
import QtTest
import Hearth
import Hearth.Chat
import Hearth.Settings

// The settings dialog: each control stores its choice (read back through another AppSettings,
// as at the next start), the theme and text size apply at once, and the model section says what
// a context costs, which context an unchosen one is, which backend runs and the model's details.
TestCase {
    id: testCase
    name: "Settings"
    when: windowShown

    Component {
        id: mainComponent
        Main {}
    }

    function openDialog() {
        const window = createTemporaryObject(mainComponent, testCase)
        tryVerify(() => window.visible && window.width > 0)
        window.settingsDialog.open()
        tryCompare(window.settingsDialog, "opened", true)
        return window
    }

    function cleanup() {
        AppSettings.theme = "system"
        AppSettings.fontSize = 14
        AppSettings.instructions = ""
    }

    function test_instructions_are_stored_as_typed() {
        const dialog = openDialog().settingsDialog
        const field = dialog.instructionsField
        field.insert(0, "a") // as typed: one edit at a time, each one stored
        compare(storedSettings.instructions, "a")
        field.insert(1, "b")
        compare(field.text, "ab")
        compare(storedSettings.instructions, "ab")
        dialog.close()
        tryCompare(dialog, "opened", false)
        dialog.open()
        tryCompare(dialog, "opened", true)
        compare(field.text, "ab", "shown again when the dialog reopens")
    }

    function test_sampling_controls_are_stored() {
        const dialog = openDialog().settingsDialog
        dialog.temperatureSlider.value = 0.7
        dialog.temperatureSlider.moved()
        compare(storedSettings.temperature, 0.7)
        dialog.topPSlider.value = 0.9
        dialog.topPSlider.moved()
        compare(storedSettings.topP, 0.9)
        dialog.topKField.value = 40
        dialog.topKField.valueModified()
        compare(storedSettings.topK, 40)
        dialog.maxTokensField.value = 1024
        dialog.maxTokensField.valueModified()
        compare(storedSettings.maxAnswerTokens, 1024)
    }

    function test_model_choices_are_stored() {
        const dialog = openDialog().settingsDialog
        const context = dialog.contextSelector
        context.activated(context.sizes.indexOf(16384))
        compare(storedSettings.contextLength, 16384)
        const options = dialog.backendOptions
        tryVerify(() => options.surveyed, 20000)
        const backend = dialog.backendSelector
        backend.activated(options.indexOf("cpu"))
        compare(storedSettings.backend, "cpu")
        compare(backend.displayText, "CPU")
        backend.activated(0)
        compare(storedSettings.backend, "auto")
        compare(backend.displayText, "Automatic")
    }

    function test_backends_are_listed_by_device_and_the_unusable_ones_say_why() {
        const dialog = openDialog().settingsDialog
        const options = dialog.backendOptions
        tryVerify(() => options.surveyed, 20000)
        compare(options.get(0, "value"), "auto")
        // This build's CUDA layer cannot run models yet: listed, disabled, with the reason.
        const cuda = options.indexOf("cuda")
        compare(cuda, 1)
        compare(options.get(cuda, "usable"), false)
        verify(options.get(cuda, "detail").length > 0)
        const cpu = options.indexOf("cpu")
        compare(cpu, options.rowCount() - 1)
        verify(cpu - cuda >= 2, "Vulkan is listed between CUDA and the CPU")
        // Each Vulkan device by name, or (no loader, no device) one disabled "Vulkan" with why.
        for (let row = cuda + 1; row < cpu; ++row) {
            compare(options.get(row, "kind"), "vulkan")
            if (options.get(row, "value") === "vulkan") {
                compare(options.get(row, "usable"), false)
                verify(options.get(row, "detail").length > 0)
            } else {
                verify(/^vulkan:[0-9]+$/.test(options.get(row, "value")), options.get(row, "value"))
                verify(options.get(row, "device").length > 0)
                compare(options.get(row, "usable"), true)
            }
        }

        const backend = dialog.backendSelector
        backend.activated(cpu)
        verify(!dialog.backendUnusable.visible)
        backend.activated(cuda) // disabled: not taken
        compare(storedSettings.backend, "cpu")

        // Choices stored earlier that this machine cannot run say so.
        AppSettings.backend = "cuda"
        compare(backend.currentIndex, cuda)
        compare(backend.displayText, "CUDA (NVIDIA)")
        verify(dialog.backendUnusable.visible)
        compare(dialog.backendUnusable.text,
                "This cannot run the model here: " + options.get(cuda, "detail"))
        // What earlier versions stored: the Vulkan device the engine takes (or why there is none).
        AppSettings.backend = "vulkan"
        compare(options.get(backend.currentIndex, "kind"), "vulkan")
        AppSettings.backend = "vulkan:999"
        compare(backend.currentIndex, -1)
        compare(backend.displayText, "vulkan:999")
        compare(dialog.backendUnusable.text,
                "This device is not on this computer now; choose another.")
        AppSettings.backend = "auto"
        verify(!dialog.backendUnusable.visible)
    }

    function test_dark_theme_applies_at_once_and_is_stored() {
        const window = openDialog()
        const themes = window.settingsDialog.themeSelector
        themes.activated(2) // dark
        compare(storedSettings.theme, "dark")
        verify(Theme.dark)
        compare(window.color, Theme.window)
        verify(Qt.colorEqual(window.color, "#1c1d20"))
        themes.activated(1) // light
        verify(!Theme.dark)
        verify(Qt.colorEqual(window.color, "#fbfbfa"))
    }

    function test_text_size_applies_at_once_and_is_stored() {
        const window = openDialog()
        window.settingsDialog.fontSizeField.value = 18
        window.settingsDialog.fontSizeField.valueModified()
        compare(storedSettings.fontSize, 18)
        compare(Theme.fontSize, 18)
        compare(window.chatPage.composer.input.font.pixelSize, 18)
    }

    function test_language_choice_is_stored() {
        const dialog = openDialog().settingsDialog
        dialog.languageSelector.activated(2)
        compare(storedSettings.language, "ko")
        dialog.languageSelector.activated(0)
        compare(storedSettings.language, "system")
    }

    function loadTinyModel() {
        AppSettings.backend = "cpu"
        ChatController.loadModel(testModelPath)
        tryCompare(ChatController, "modelState", "ready", 60000)
    }

    // Loads the tiny model last: the other tests expect none.
    function test_z_an_unchosen_context_is_the_largest_that_fits() {
        const dialog = openDialog().settingsDialog
        AppSettings.contextLength = 0
        compare(dialog.contextSelector.displayText, "Automatic")
        verify(dialog.contextMemory.text.indexOf("Load a model") >= 0)
        loadTinyModel()
        // The fit check on this computer's memory: the tiny model's whole 4096 tokens fit.
        compare(ChatController.automaticContextLength, 4096)
        compare(ChatController.contextLength, 4096)
        compare(dialog.contextSelector.displayText, "Automatic (4096 tokens)")
        compare(dialog.contextMemory.text, "Its memory (KV cache): 1.3 MiB")

        // A choice is kept: the next load uses it.
        dialog.contextSelector.activated(dialog.contextSelector.sizes.indexOf(2048))
        compare(storedSettings.contextLength, 2048)
        verify(dialog.reloadModelButton.visible)
        ChatController.reloadModel()
        tryCompare(ChatController, "modelState", "ready", 60000)
        compare(ChatController.contextLength, 2048)
        compare(dialog.contextSelector.displayText, "2048")
        dialog.contextSelector.activated(0)
        compare(storedSettings.contextLength, 0)
        verify(dialog.reloadModelButton.visible)
    }

    function test_z_the_model_in_use_has_its_details_but_cannot_be_removed() {
        const dialog = openDialog().settingsDialog
        if (!ChatController.modelReady) loadTinyModel()
        compare(dialog.modelInUse.text, "tiny-gpt-oss.gguf")
        mouseClick(dialog.modelDetailsButton)
        const details = dialog.modelDetailsDialog
        tryCompare(details, "opened", true)
        compare(details.details.path, testModelPath)
        tryCompare(details.details, "state", "ready", 20000)
        verify(details.inUse)
        verify(!details.removeButton.enabled)
        compare(findChild(details.contentItem, "removeNote").text,
                "Hearth is using this model. Open another one before removing it.")
        details.close()
    }

    function test_z_the_model_section_shows_memory_and_the_backend_in_use() {
        const dialog = openDialog().settingsDialog
        if (!ChatController.modelReady) loadTinyModel()
        AppSettings.contextLength = 4096
        // The tiny model: 2 layers (layer 0 sliding, window 16), 2 KV heads of 16 values, on
        // the CPU (f32). Full layer: 2 x 2 x 16 x 4 bytes x 4096 = 1 MiB; the sliding layer keeps
        // its window and the CPU's 1280 more positions: 2 x 2 x 16 x 4 x 1296 = 324 KiB.
        compare(ChatController.kvCacheBytes(4096, "f16"), 1048576 + 331776)
        compare(dialog.contextMemory.text, "Its memory (KV cache): 1.3 MiB")
        // The CPU keeps f32 whatever a GPU would: 8-bit changes nothing here but asks for a
        // reload, as every choice the loaded model was not opened with does.
        compare(ChatController.kvCacheBytes(4096, "q8"), 1048576 + 331776)
        dialog.kvCacheSelector.activated(1)
        compare(storedSettings.kvCache, "q8")
        compare(ChatController.loadedKvCache, "f16")
        verify(dialog.reloadModelButton.visible)
        dialog.kvCacheSelector.activated(0)
        compare(storedSettings.kvCache, "f16")
        AppSettings.contextLength = 8192 // more than the tiny model's 4096
        compare(dialog.contextMemory.text,
                "Its memory (KV cache): 1.3 MiB, for the 4096 tokens this model allows")
        verify(dialog.backendInUse.text.indexOf("In use: CPU, ") === 0, dialog.backendInUse.text)
    }
}
