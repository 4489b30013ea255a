"""drivers/panel."""
