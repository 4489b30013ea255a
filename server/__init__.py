"""The branch server: the branch's source of truth for tickets, counters and devices."""
