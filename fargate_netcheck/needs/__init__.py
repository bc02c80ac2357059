"""What a task needs, by name: the endpoints its launch and its code reach (``catalog``)."""
