import QtQuick
import QtTest
import Hearth
import Hearth.Desktop

// One message on screen: the reasoning block while the model thinks and after it answers, the
// effort badge, and the Copy button.
TestCase {
    id: testCase
    name: "Message"
    width: 700
    height: 500
    visible: true
    when: windowShown

    Component {
        id: messageComponent
        MessageDelegate {
            width: 600
        }
    }

    function makeMessage(properties) {
        const defaults = { author: "assistant", answer: "", reasoning: "", status: "complete",
                           effort: "medium", thinkingSeconds: 0, reasoningTokens: 0, error: "" }
        const message = createTemporaryObject(messageComponent, testCase,
                                              Object.assign(defaults, properties))
        verify(message !== null)
        return message
    }

    function summary(message) { return findChild(message, "reasoningSummary").text }

    function test_thinking_counts_seconds_then_folds_when_the_answer_starts() {
        const message = makeMessage({ status: "streaming", reasoning: "Let me see", effort: "high",
                                      reasoningTokens: 3 })
        const block = findChild(message, "reasoningBlock")
        verify(block.visible)
        verify(block.expanded, "open while the model thinks")
        compare(summary(message), "▾ Thinking… 0 s")
        tryCompare(findChild(message, "reasoningSummary"), "text", "▾ Thinking… 1 s", 3000)

        message.thinkingSeconds = 2.6
        message.reasoningTokens = 41
        message.answer = "Here"
        verify(!block.expanded, "folded once the answer starts")
        compare(summary(message), "▸ Thought for 3 s · 41 tokens")
        verify(!findChild(message, "reasoningText").visible)

        mouseClick(block.handle)
        verify(block.expanded, "the handle reopens it")
        verify(findChild(message, "reasoningText").visible)
    }

    function test_a_reply_without_reasoning_has_no_reasoning_block() {
        const message = makeMessage({ answer: "Hi" })
        verify(!findChild(message, "reasoningBlock").visible)
    }

    function test_each_reply_shows_its_reasoning_effort() {
        const message = makeMessage({ answer: "Hi", effort: "low" })
        const badge = findChild(message, "effortBadge")
        verify(badge.visible)
        compare(badge.children[0].text, "low reasoning")
        const question = makeMessage({ author: "user", answer: "Hello", effort: "" })
        verify(!findChild(question, "effortBadge").visible)
    }

    function test_copy_puts_the_answer_on_the_clipboard() {
        const message = makeMessage({ answer: "**Bold** answer", reasoning: "hidden thoughts" })
        Clipboard.copy("before")
        const button = findChild(message, "copyMessageButton")
        mouseClick(button)
        compare(Clipboard.text(), "**Bold** answer")
        compare(button.text, "Copied")

        const question = makeMessage({ author: "user", answer: "my question" })
        mouseClick(findChild(question, "copyMessageButton"))
        compare(Clipboard.text(), "my question")
    }
}
