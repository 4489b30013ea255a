"""Bridge from the server's call events to the LED panels over the counters.

Modules::

    state.py    PanelPlanner: server messages -> PanelCommand (pure, no I/O)
    panels.py   BusWorker: one thread per RS-485 bus runs the commands on its panels
    health.py   panel health -> the heartbeat sent to the server (pure)
    bridge.py   PanelBridge: wires the above together; ``run(stop)`` until told to stop
    errors.py   BridgeError and its subclasses
"""
