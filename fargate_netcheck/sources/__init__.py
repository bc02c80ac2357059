"""Where task network settings come from besides the CLI: CloudReactor deployment configs, a
CloudReactor Run Environment, and the reasons ECS gives for a stopped task."""
