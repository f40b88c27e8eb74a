import QtQuick
import QtTest
import Hearth
import Hearth.Desktop

// One message on screen: the reasoning block while the model thinks and after it answers, the
// effort badge, the Copy button, and the blocks of a tool call and its result.
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
                           effort: "medium", thinkingSeconds: 0, reasoningTokens: 0, error: "",
                           index: 0, siblingIndex: 0, siblingCount: 1, toolName: "",
                           toolArguments: "", canContinue: false }
        const message = createTemporaryObject(messageComponent, testCase,
                                              Object.assign(defaults, properties))
        verify(message !== null)
        return message
    }

    ListModel { id: rows }

    Component {
        id: listComponent
        ListView {
            width: 600
            height: 200
            model: rows
            delegate: MessageDelegate { width: ListView.view.width }
        }
    }

    function test_an_open_reasoning_keeps_its_handle_at_the_top_while_scrolled_through() {
        rows.clear()
        rows.append({ author: "assistant", answer: "Done.", status: "complete", effort: "medium",
                      reasoning: Array(80).fill("A line of thought.").join("\n"),
                      thinkingSeconds: 3, reasoningTokens: 400, error: "", siblingIndex: 0,
                      siblingCount: 1, toolName: "", toolArguments: "",
                      canContinue: false })
        const list = createTemporaryObject(listComponent, testCase)
        tryVerify(() => list.itemAtIndex(0) !== null)
        const message = list.itemAtIndex(0)
        const block = findChild(message, "reasoningBlock")
        const handle = findChild(message, "reasoningHandle")
        const handleTop = () => handle.mapToItem(list, 0, 0).y
        const blockTop = () => block.mapToItem(list.contentItem, 0, 0).y
        mouseClick(handle)
        verify(block.expanded)
        tryVerify(() => block.height > 3 * list.height, 5000, "a reasoning longer than the view")

        list.contentY = blockTop() + block.height / 2
        fuzzyCompare(handleTop(), 0, 0.5)
        list.contentY = blockTop() + block.height - 10 // the block's end: the handle stays in it
        fuzzyCompare(handle.mapToItem(block, 0, 0).y + handle.height, block.height, 0.5)
        list.contentY = blockTop() + block.height / 3
        fuzzyCompare(handleTop(), 0, 0.5)

        mouseClick(handle) // folded from the middle of the reasoning
        verify(!block.expanded)
        verify(handleTop() >= 0 && handleTop() < list.height, "the handle is still in sight")
        compare(block.handleOffset, 0)
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

    SignalSpy {
        id: spy
    }

    function test_versions_show_as_n_of_m_with_arrows() {
        const single = makeMessage({ answer: "Only one" })
        verify(!findChild(single, "versionLabel").visible)
        const message = makeMessage({ answer: "Second try", index: 3, siblingIndex: 1, siblingCount: 2 })
        compare(findChild(message, "versionLabel").text, "2 / 2")
        verify(findChild(message, "previousVersionButton").enabled)
        verify(!findChild(message, "nextVersionButton").enabled, "already the newest")
        spy.target = message
        spy.signalName = "versionRequested"
        spy.clear()
        mouseClick(findChild(message, "previousVersionButton"))
        compare(spy.count, 1)
        compare(spy.signalArguments[0][0], 3)
        compare(spy.signalArguments[0][1], -1)
    }

    function test_only_the_last_answer_offers_regenerate_and_a_cut_off_one_continue() {
        const older = makeMessage({ answer: "Old", last: false })
        verify(!findChild(older, "regenerateButton").visible)
        const newest = makeMessage({ answer: "New", last: true })
        verify(findChild(newest, "regenerateButton").visible)
        verify(!findChild(newest, "continueButton").visible)
        const cut = makeMessage({ answer: "Cut", last: true, status: "length", canContinue: true })
        verify(findChild(cut, "continueButton").visible)
        const writing = makeMessage({ answer: "Wri", last: true, status: "streaming" })
        verify(!findChild(writing, "regenerateButton").visible)
        const question = makeMessage({ author: "user", answer: "Q", last: true })
        verify(!findChild(question, "regenerateButton").visible)
    }

    // Which answers can go on is the model's rule (MessageListModel::can_continue); the delegate
    // offers it on the newest answer only.
    function test_only_the_newest_answer_that_can_go_on_offers_continue() {
        const cut = makeMessage({ answer: "Cut", last: true, status: "length", canContinue: true })
        verify(findChild(cut, "continueButton").visible)
        const finished = makeMessage({ answer: "Done", last: true, canContinue: false })
        verify(!findChild(finished, "continueButton").visible)
        const older = makeMessage({ answer: "Cut", last: false, status: "length",
                                    canContinue: true })
        verify(!findChild(older, "continueButton").visible, "only the newest answer")
    }

    // The GPU stopped under the answer: it says why, and once a model is loaded again it can go
    // on or be written again; until then neither can run.
    function test_an_answer_the_gpu_stopped_says_why_and_waits_for_a_model() {
        const message = makeMessage({ answer: "Hel", last: true, status: "interrupted",
                                      error: "The GPU stopped responding (CUDA fault)",
                                      canContinue: true, modelReady: false })
        verify(findChild(message, "statusNote").visible)
        compare(findChild(message, "statusNote").text,
                "Interrupted: The GPU stopped responding (CUDA fault)")
        verify(!findChild(message, "errorBlock").visible)
        const continueButton = findChild(message, "continueButton")
        const regenerate = findChild(message, "regenerateButton")
        verify(continueButton.visible && !continueButton.enabled)
        verify(regenerate.visible && !regenerate.enabled)
        message.modelReady = true
        verify(continueButton.enabled && regenerate.enabled)
        const closed = makeMessage({ answer: "Hel", last: true, status: "interrupted",
                                     canContinue: true })
        compare(findChild(closed, "statusNote").text, "Interrupted when Hearth closed")
    }

    function test_continue_asks_for_the_answer_to_go_on() {
        const message = makeMessage({ answer: "Cut", last: true, status: "cancelled",
                                      canContinue: true })
        spy.target = message
        spy.signalName = "continueRequested"
        spy.clear()
        mouseClick(findChild(message, "continueButton"))
        compare(spy.count, 1)
    }

    function test_a_tool_call_shows_the_tool_and_folds_out_its_arguments() {
        const message = makeMessage({ reasoning: "Need the weather.",
                                      toolName: "functions.get_weather",
                                      toolArguments: '{"city":"Oslo"}' })
        const call = findChild(message, "toolCallBlock")
        verify(call.visible)
        verify(!findChild(message, "toolResultBlock").visible)
        verify(findChild(message, "reasoningBlock").visible, "the reasoning before the call stays")
        const summary = findChild(call, "toolBlockSummary")
        compare(summary.text, "▸ Tool call: functions.get_weather")
        const text = findChild(call, "toolBlockText")
        verify(!text.visible, "folded at first")
        mouseClick(call.handle)
        verify(text.visible)
        compare(text.text, '{"city":"Oslo"}')
        compare(text.font.family, Theme.monoFontFamily)
        compare(summary.text, "▾ Tool call: functions.get_weather")
    }

    function test_an_answer_without_a_call_has_no_tool_blocks() {
        const message = makeMessage({ answer: "Hi" })
        verify(!findChild(message, "toolCallBlock").visible)
        verify(!findChild(message, "toolResultBlock").visible)
    }

    function test_a_tool_result_is_its_own_block_without_the_answer_actions() {
        const result = "Error: the tool browser.search is not available."
        const message = makeMessage({ author: "tool", answer: result, effort: "", last: true,
                                      toolName: "browser.search" })
        const block = findChild(message, "toolResultBlock")
        verify(block.visible)
        compare(findChild(block, "toolBlockSummary").text,
                "▸ Tool result: browser.search is not available in Hearth")
        mouseClick(block.handle)
        compare(findChild(block, "toolBlockText").text, result)
        verify(!findChild(message, "toolCallBlock").visible)
        verify(!findChild(message, "answerView").visible, "the result is not drawn as an answer")
        verify(!findChild(message, "reasoningBlock").visible)
        for (const name of ["regenerateButton", "copyMessageButton", "effortBadge", "continueButton"])
            verify(!findChild(message, name).visible, name)
    }

    function test_a_failed_answer_shows_why_in_its_own_block() {
        const message = makeMessage({ answer: "Partial", status: "failed", last: true,
                                      error: "The conversation is too long for the context" })
        const block = findChild(message, "errorBlock")
        verify(block.visible)
        compare(findChild(block, "errorText").text,
                "The answer failed: The conversation is too long for the context")
        verify(findChild(message, "answerView").visible, "the text written before stays")
        verify(!findChild(message, "statusNote").visible, "said once, in the block")
        verify(!findChild(makeMessage({ answer: "Fine" }), "errorBlock").visible)
    }

    function test_a_reply_stopped_for_calling_tools_again_says_so() {
        const message = makeMessage({ status: "toolLimit", last: true,
                                      toolName: "functions.f", toolArguments: "{}" })
        verify(findChild(message, "toolCallBlock").visible)
        verify(findChild(message, "regenerateButton").visible)
        const label = findChild(message, "statusNote")
        verify(label.visible)
        compare(label.text, "Stopped: the model kept calling tools")
    }

    function test_editing_a_question_sends_the_new_text_for_its_row() {
        const question = makeMessage({ author: "user", answer: "Old question", index: 2 })
        spy.target = question
        spy.signalName = "editRequested"
        spy.clear()
        mouseClick(findChild(question, "editMessageButton"))
        verify(question.editing)
        const field = findChild(question, "editField")
        compare(field.text, "Old question")
        field.text = "New question"
        mouseClick(findChild(question, "sendEditButton"))
        verify(!question.editing)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][0], 2)
        compare(spy.signalArguments[0][1], "New question")
    }

    function test_an_edit_waits_in_its_field_until_a_model_can_answer_it() {
        const question = makeMessage({ author: "user", answer: "Q", modelReady: false })
        mouseClick(findChild(question, "editMessageButton"))
        findChild(question, "editField").text = "Q, better put"
        const send = findChild(question, "sendEditButton")
        verify(!send.enabled)
        verify(findChild(question, "editWaitsNote").visible, "and says why")
        question.modelReady = true
        verify(send.enabled)
        verify(!findChild(question, "editWaitsNote").visible)
    }

    function test_a_question_cannot_be_edited_while_an_answer_is_written() {
        const question = makeMessage({ author: "user", answer: "Q", busy: true })
        verify(!findChild(question, "editMessageButton").enabled)
    }
}
