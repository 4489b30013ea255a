"""Bridge from the server's call events to the LED panels over the counters."""
