"""The branch-day simulator: a day profile run through the queue's own rules (see README.md)."""
