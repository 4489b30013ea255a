"""The customer's phone page: its HTML template, script, style sheet and logo (package data)."""
