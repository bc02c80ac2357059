"""A sample fargate-netcheck rule plugin: one rule, PLG001, in ``netcheck_sample_plugin.rules``."""
