"""Device drivers: ESC/POS ticket printers and RS-485 call-number panels."""
