"""`python -m fontcomplete` runs the command line."""

from fontcomplete.cli import console

console()
