"""The touchscreen kiosk (PyQt6). Not built yet."""
