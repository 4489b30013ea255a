"""The `branchq` command line: one entry point whose subcommands come from each package."""
