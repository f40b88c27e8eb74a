import QtQuick
import QtTest
import Hearth

TestCase {
    id: testCase
    name: "Composer"
    width: 600
    height: 200
    visible: true
    when: windowShown

    Component {
        id: composerComponent
        Composer {
            width: 500
        }
    }

    SignalSpy {
        id: sendSpy
        signalName: "sendRequested"
    }

    function createComposer() {
        const composer = createTemporaryObject(composerComponent, testCase)
        sendSpy.clear()
        sendSpy.target = composer
        composer.input.forceActiveFocus()
        return composer
    }

    function test_enter_sends_the_trimmed_text() {
        const composer = createComposer()
        keySequence("h,i")
        keyClick(Qt.Key_Space)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1)
        compare(sendSpy.signalArguments[0][0], "hi")
    }

    function test_keypad_enter_sends_too() {
        const composer = createComposer()
        composer.text = "hello"
        keyClick(Qt.Key_Enter)
        compare(sendSpy.count, 1)
    }

    function test_shift_enter_inserts_a_new_line() {
        const composer = createComposer()
        keyClick("a")
        keyClick(Qt.Key_Return, Qt.ShiftModifier)
        keyClick("b")
        compare(sendSpy.count, 0)
        compare(composer.text, "a\nb")
    }

    function test_blank_text_is_not_sent() {
        const composer = createComposer()
        composer.text = "   \n  "
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 0)
    }

    function test_sending_keeps_the_text_until_the_handler_clears_it() {
        const composer = createComposer()
        composer.text = "keep me"
        composer.submit()
        compare(sendSpy.count, 1)
        compare(composer.text, "keep me")
        composer.clear()
        compare(composer.text, "")
    }
}
