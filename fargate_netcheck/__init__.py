"""fargate-netcheck: can this Fargate task reach what it needs?"""

__version__ = "0.1.0"
