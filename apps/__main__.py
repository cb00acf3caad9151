"""`python -m apps`: the `investorbot` command."""

from apps.cli.main import main

raise SystemExit(main())
