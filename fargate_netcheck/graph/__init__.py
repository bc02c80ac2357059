"""The network graph built from a parsed snapshot, its route choice (longest-prefix match over address sets) and its export."""
