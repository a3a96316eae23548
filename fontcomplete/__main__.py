"""`python -m fontcomplete` runs the command line."""

from fontcomplete.cli import main

raise SystemExit(main())
