import QtQuick
import QtTest
import Hearth
import Hearth.Library
import Hearth.Settings

// The first-run page on a fake model folder: the tiny fixture models' folder, added as the
// user's own, with the standard places (LM Studio, GPT4All, ...) under a home that does not exist.
TestCase {
    id: testCase
    name: "FirstRun"
    when: windowShown
    width: 900
    height: 1000
    visible: true

    readonly property string fixtureFolder: testModelPath.substring(0, testModelPath.lastIndexOf("/"))

    Component {
        id: pageComponent
        FirstRunPage {
            width: 900
            height: 1000
        }
    }
    Component {
        id: mainComponent
        Main {
            firstRunAllowed: true
        }
    }
    SignalSpy {
        id: chosenSpy
        signalName: "modelChosen"
    }

    function initTestCase() {
        ModelLibrary.home = "/nonexistent-hearth-test-home"
        ModelLibrary.memoryBytes = 16 * 1024 * 1024 * 1024
        ModelLibrary.addFolder(fixtureFolder)
    }

    function createPage() {
        const page = createTemporaryObject(pageComponent, testCase)
        verify(page !== null)
        ModelLibrary.rescan()
        tryCompare(ModelLibrary, "scanning", false, 30000)
        tryCompare(page.modelList, "count", 3)
        return page
    }

    function rowTexts(row) {
        return {
            name: findChild(row, "modelName").text,
            fit: findChild(row, "fitLine").text
        }
    }

    function test_lists_the_models_in_the_folder_with_a_fit_line_each() {
        const page = createPage()
        const names = []
        for (let i = 0; i < page.modelList.count; ++i) {
            const row = rowTexts(page.modelList.itemAt(i))
            names.push(row.name)
            verify(row.fit.startsWith("Fits: needs "), row.fit)
            verify(row.fit.indexOf(" of 16.00 GiB, 4096-token context") > 0, row.fit)
        }
        compare(names, ["tiny-gpt-oss-fused.gguf", "tiny-gpt-oss.gguf", "tiny-gpt-oss-hf"])
        verify(!findChild(page, "noModelsFound").visible)
        // gpt-oss-20b itself, before downloading: 16 GiB holds it with a 32768-token context.
        compare(findChild(page, "downloadFitLine").text, "Fits: needs 15.13 GiB of 16.00 GiB, 32768-token context")
    }

    function test_use_chooses_that_model() {
        const page = createPage()
        chosenSpy.target = page
        chosenSpy.clear()
        mouseClick(findChild(page.modelList.itemAt(1), "useButton"))
        compare(chosenSpy.count, 1)
        compare(chosenSpy.signalArguments[0][0], testModelPath)
    }

    function test_a_model_that_does_not_fit_says_so() {
        ModelLibrary.memoryBytes = 64 * 1024 * 1024
        const page = createPage()
        const row = page.modelList.itemAt(0)
        verify(rowTexts(row).fit.startsWith("Does not fit: needs "), rowTexts(row).fit)
        verify(findChild(row, "fitAdvice").visible)
        ModelLibrary.memoryBytes = 16 * 1024 * 1024 * 1024
    }

    function test_open_file_describes_the_picked_file() {
        const page = createPage()
        const opened = findChild(page, "openedModel")
        verify(!opened.visible)
        page.openModel("file://" + testModelPath)
        verify(opened.visible)
        compare(rowTexts(opened).name, "tiny-gpt-oss.gguf")
        verify(rowTexts(opened).fit.startsWith("Fits: needs "))
        page.openModel("/nowhere/gpt-oss-20b.gguf")
        verify(rowTexts(opened).fit.startsWith("Cannot be used: "), rowTexts(opened).fit)
        verify(!findChild(opened, "useButton").enabled)
    }

    function test_a_failed_download_is_explained_in_words() {
        const page = createPage()
        const downloader = page.downloader
        const realBase = downloader.baseUrl
        downloader.baseUrl = "http://127.0.0.1:1" // nothing listens there: no network
        compare(page.downloadButton.text, "Download")
        verify(!page.pauseButton.visible)
        mouseClick(page.downloadButton)
        tryCompare(downloader, "state", "failed", 15000)
        verify(page.downloadStatus.text.startsWith("Cannot reach 127.0.0.1"), page.downloadStatus.text)
        verify(page.downloadButton.visible)
        verify(!page.cancelButton.visible)
        downloader.baseUrl = realBase
    }

    function test_the_window_shows_the_page_until_a_model_is_chosen() {
        AppSettings.modelPath = ""
        const window = createTemporaryObject(mainComponent, testCase)
        tryVerify(() => window.visible && window.width > 0)
        verify(window.firstRunPage.visible)
        verify(window.firstRunPage.x >= window.chatPage.x, "the sidebar stays uncovered")
        mouseClick(findChild(window.firstRunPage, "notNowButton"))
        verify(!window.firstRunPage.visible)
    }
}
