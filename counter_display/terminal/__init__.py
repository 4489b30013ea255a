"""The counter terminal: the teller's call-next screen (PyQt6).

config.py     CounterConfig: one TOML file per terminal (server, counter, language, window)
texts.py      every label in Simplified Chinese and English
board.py      Board: the branch as the event stream tells it (counters, queues); pure
viewmodel.py  CounterTerminal: sign-in, actions with idempotency keys, live state (QObject,
              no widgets)
view.py       TerminalWindow: the thin view (widgets, keys F1..F5)
dialogs.py    sign-in and transfer dialogs
app.py        run(config): the application
"""
