"""The snapshot: load, validate, parse, merge and write the collected account data (docs/snapshot-format.md)."""
