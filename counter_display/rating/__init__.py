"""The rating pad (评价器): a small touchscreen at a counter, facing the customer. Idle it
welcomes them with the counter's and the teller's names; when its counter finishes a ticket it
asks for a rating (five faces, then optional reasons), thanks them, and offers a complaint after
a low score. ``branchq rate run --counter N``."""
