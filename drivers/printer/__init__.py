"""drivers/printer."""
