"""The teller's counter terminal and the lobby wall display (PyQt6). Not built yet."""
