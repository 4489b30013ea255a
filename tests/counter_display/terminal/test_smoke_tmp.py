from tests.counter_display.terminal.conftest import issue


def test_smoke(branch, make_terminal):
    issue(branch, "A", 3)
    issue(branch, "F", 1)
    t = make_terminal(language="zh")
    t.window.grab().save("/tmp/cc-a.png")
    t.press("call-next")
    assert t.number() == "A001"
    t.window.grab().save("/tmp/cc-b.png")
