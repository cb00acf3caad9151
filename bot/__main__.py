"""`python -m bot` is the `investorbot` command."""

from bot.cli import main

raise SystemExit(main())
