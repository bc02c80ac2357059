"""The rule engine: the registry that rules declare themselves into, suppressions, and the shared shape of need rules."""
