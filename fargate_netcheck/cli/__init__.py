"""The command line: the typer app, its commands, options, help panels, config file and exit codes."""
