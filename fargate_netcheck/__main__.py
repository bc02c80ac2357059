"""``python -m fargate_netcheck``: the same command line as the ``fargate-netcheck`` script."""

from fargate_netcheck.cli.app import main

if __name__ == "__main__":
    main()
