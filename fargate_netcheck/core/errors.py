class InputError(Exception):
    """Bad user input: the CLI prints it on one line and exits 2."""
