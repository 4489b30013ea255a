"""The branch manager's console: a web page served by the server (see README.md)."""
