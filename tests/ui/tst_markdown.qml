import QtQuick
import QtTest
import Hearth
import Hearth.Desktop

// Answers drawn from markdown: one item per block, code with a working Copy button, links that
// only ask, and images that are never loaded.
TestCase {
    id: testCase
    name: "Markdown"
    when: windowShown
    width: 600
    height: 600
    visible: true

    Component {
        id: viewComponent
        MarkdownView {
            width: 500
        }
    }

    Component {
        id: dialogComponent
        LinkDialog {}
    }

    SignalSpy {
        id: linkSpy
        signalName: "linkActivated"
    }

    function makeView(markdown) {
        const view = createTemporaryObject(viewComponent, testCase, { markdown: markdown })
        verify(view !== null)
        return view
    }

    function itemsNamed(root, name) {
        let found = []
        if (root.objectName === name)
            found.push(root)
        for (let i = 0; i < root.children.length; ++i)
            found = found.concat(itemsNamed(root.children[i], name))
        return found
    }

    function plainText(edit) { return edit.getText(0, edit.length) }

    function test_each_block_kind_gets_its_own_item() {
        const view = makeView("# Title\n\nSome *text*.\n\n- one\n- two\n\n> quoted\n\n"
                              + "| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\n```sh\nls -l\n```")
        compare(view.blockCount, 8)
        const texts = itemsNamed(view, "markdownText")
        compare(texts.map(plainText), ["Title", "Some text.", "one", "two", "quoted"])
        verify(texts[0].font.pixelSize > texts[1].font.pixelSize, "the heading is larger")
        compare(itemsNamed(view, "tableCell").length, 4)
        compare(itemsNamed(view, "codeText").map(plainText), ["ls -l"])
        compare(itemsNamed(view, "codeLanguage")[0].text, "sh")
    }

    function test_the_copy_button_copies_the_code() {
        const view = makeView("```python\nprint('<hi>')\n```")
        const button = itemsNamed(view, "copyCodeButton")[0]
        Clipboard.copy("something else")
        waitForRendering(view)
        mouseClick(button)
        compare(Clipboard.text(), "print('<hi>')")
        compare(button.text, "Copied")
    }

    function test_html_shows_as_typed_and_images_as_their_alt_text() {
        const view = makeView("<script>alert(1)</script> ![a cat](https://example.com/cat.png)")
        const text = itemsNamed(view, "markdownText")[0]
        compare(plainText(text), "<script>alert(1)</script> [image: a cat]")
        verify(text.text.indexOf("<img") < 0, "no image element reaches the text item")
    }

    function test_a_streaming_code_fence_is_a_code_block_before_it_closes() {
        const view = makeView("Run this:\n\n```bash\necho hi")
        compare(view.blockCount, 2)
        compare(itemsNamed(view, "codeText").map(plainText), ["echo hi"])
        view.markdown += "\necho there"
        compare(itemsNamed(view, "codeText").map(plainText), ["echo hi\necho there"])
        view.markdown += "\n```\nDone."
        compare(view.blockCount, 3)
        compare(plainText(itemsNamed(view, "markdownText")[1]), "Done.")
    }

    function test_clicking_a_link_reports_it_without_opening_it() {
        const view = makeView("[docs](https://example.com/docs)")
        linkSpy.target = view
        linkSpy.clear()
        const text = itemsNamed(view, "markdownText")[0]
        mouseClick(text, 5, text.height / 2)
        compare(linkSpy.count, 1)
        compare(linkSpy.signalArguments[0][0], "https://example.com/docs")
    }

    function test_the_link_dialog_shows_the_address_and_opens_only_when_accepted() {
        const dialog = createTemporaryObject(dialogComponent, testCase)
        let opened = []
        dialog.openUrl = url => opened.push(url)
        dialog.ask("https://example.com/a?b=1")
        tryCompare(dialog, "opened", true)
        compare(itemsNamed(dialog.contentItem, "linkAddress")[0].text, "https://example.com/a?b=1")
        dialog.reject()
        tryCompare(dialog, "opened", false)
        compare(opened, [])
        dialog.ask("https://example.com/a?b=1")
        tryCompare(dialog, "opened", true)
        dialog.accept()
        compare(opened, ["https://example.com/a?b=1"])
    }

    function test_links_that_are_not_web_or_mail_are_never_opened() {
        const dialog = createTemporaryObject(dialogComponent, testCase)
        let opened = []
        dialog.openUrl = url => opened.push(url)
        dialog.ask("file:///etc/passwd")
        verify(!dialog.openable)
        dialog.accept()
        compare(opened, [])
    }
}
