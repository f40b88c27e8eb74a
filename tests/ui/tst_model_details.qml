import QtQuick
import QtTest
import Hearth
import Hearth.Library

// The model details page: what the tiny fixture model's headers say, a clear error for a broken
// file, and Remove…, which deletes nothing until the user confirms.
TestCase {
    id: testCase
    name: "ModelDetails"
    when: windowShown
    width: 900
    height: 1000
    visible: true

    readonly property string fixtureFolder: testModelPath.substring(0, testModelPath.lastIndexOf("/"))

    Component {
        id: dialogComponent
        ModelDetailsDialog {}
    }
    Component {
        id: pageComponent
        FirstRunPage {
            width: 900
            height: 1000
        }
    }
    SignalSpy {
        id: removedSpy
        signalName: "removed"
    }

    function showDetails(path) {
        const dialog = createTemporaryObject(dialogComponent, testCase)
        dialog.show(path)
        tryCompare(dialog, "opened", true)
        tryVerify(() => dialog.details.state !== "reading", 20000)
        return dialog
    }

    function textOf(dialog, name) {
        return findChild(dialog.contentItem, name).text
    }

    function test_the_tiny_models_headers_are_shown() {
        const dialog = showDetails(testModelPath)
        compare(dialog.details.state, "ready")
        compare(dialog.title, "tiny-gpt-oss.gguf")
        compare(textOf(dialog, "title"), "tiny-gpt-oss (Hearth test fixture)")
        compare(textOf(dialog, "architecture"), "gpt-oss")
        compare(textOf(dialog, "format"), "GGUF v3")
        // In the locale's digits and separators; tests/app/model_details_test.cpp counts them.
        compare(textOf(dialog, "parameters").replace(/\D/g, ""), "25965272")
        compare(textOf(dialog, "quantisation"), "MXFP4 experts, BF16/F16/F32/Q8_0 elsewhere")
        compare(textOf(dialog, "contextLimit"), "4096 tokens (4096 before YaRN scaling)")
        compare(textOf(dialog, "slidingWindow"), "16 tokens, on every other layer")
        compare(textOf(dialog, "license"), "not stated in the file")
        compare(textOf(dialog, "location"), testModelPath)
        verify(textOf(dialog, "sizeOnDisk").endsWith(" MiB"), textOf(dialog, "sizeOnDisk"))
        verify(!findChild(dialog.contentItem, "detailsError").visible)
        verify(dialog.showInFolderButton.enabled)
        verify(dialog.removeButton.enabled)
    }

    function test_a_hugging_face_folder_says_so() {
        const dialog = showDetails(fixtureFolder + "/tiny-gpt-oss-hf")
        compare(dialog.title, "tiny-gpt-oss-hf")
        compare(textOf(dialog, "format"), "Hugging Face folder (safetensors)")
        compare(textOf(dialog, "quantisation"), "MXFP4 experts, BF16/F32 elsewhere")
    }

    function test_a_truncated_file_shows_an_error_instead_of_facts() {
        const broken = testFiles.copy(testModelPath, "truncated.gguf", 4096)
        const dialog = showDetails(broken)
        compare(dialog.details.state, "failed")
        const error = findChild(dialog.contentItem, "detailsError")
        verify(error.visible)
        verify(error.text.startsWith("This model cannot be read: "), error.text)
        verify(error.text.indexOf(broken) > 0, error.text)
        verify(!findChild(dialog.contentItem, "architecture").visible)
        verify(findChild(dialog.contentItem, "sizeOnDisk").visible)
        compare(textOf(dialog, "location"), broken)
        verify(dialog.removeButton.enabled, "a broken download can still be removed")
    }

    function test_remove_asks_first_and_then_deletes_the_file() {
        const copy = testFiles.copy(testModelPath, "gpt-oss-copy.gguf")
        const dialog = showDetails(copy)
        removedSpy.target = dialog
        removedSpy.clear()
        mouseClick(dialog.removeButton)
        const confirm = dialog.removeDialog
        tryCompare(confirm, "opened", true)
        const question = findChild(confirm.contentItem, "removeQuestion").text
        verify(question.startsWith("This deletes gpt-oss-copy.gguf ("), question)
        verify(question.indexOf(textOf(dialog, "sizeOnDisk")) > 0, question)
        verify(testFiles.exists(copy), "nothing is deleted before the user confirms")

        mouseClick(findChild(confirm.footer, "cancelRemoveButton"))
        tryCompare(confirm, "opened", false)
        verify(testFiles.exists(copy))
        compare(removedSpy.count, 0)

        mouseClick(dialog.removeButton)
        tryCompare(confirm, "opened", true)
        mouseClick(findChild(confirm.footer, "confirmRemoveButton"))
        tryCompare(removedSpy, "count", 1)
        compare(removedSpy.signalArguments[0][0], copy)
        verify(!testFiles.exists(copy))
        tryCompare(dialog, "opened", false)
    }

    function test_what_is_no_model_cannot_be_removed() {
        const notes = testFiles.copy(fixtureFolder + "/tiny-gpt-oss-hf/config.json", "notes.gguf")
        const dialog = showDetails(notes)
        verify(!dialog.removeButton.enabled)
        compare(textOf(dialog, "removeNote"), notes + " is not a GGUF model file.")
    }

    function test_a_row_on_the_first_run_page_opens_its_details() {
        ModelLibrary.home = "/nonexistent-hearth-test-home"
        ModelLibrary.addFolder(fixtureFolder)
        const page = createTemporaryObject(pageComponent, testCase)
        ModelLibrary.rescan()
        tryCompare(ModelLibrary, "scanning", false, 30000)
        tryCompare(page.modelList, "count", 3)
        mouseClick(findChild(page.modelList.itemAt(1), "detailsButton"))
        tryCompare(page.detailsDialog, "opened", true)
        compare(page.detailsDialog.details.path, testModelPath)
        tryCompare(page.detailsDialog.details, "state", "ready", 20000)
    }
}
