"""Thin PyQt6 views of the kiosk: they read ``KioskModel`` and call its methods."""
