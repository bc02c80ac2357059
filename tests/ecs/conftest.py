from ecs_account import account  # noqa: F401  (the fixture)
