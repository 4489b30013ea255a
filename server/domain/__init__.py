"""The queue model in pure Python: ticket states, numbering, call-next policy, estimates."""
