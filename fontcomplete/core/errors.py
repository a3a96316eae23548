"""The one exception type whose message the CLI prints as a single line (no traceback)."""


class FontcompleteError(Exception):
    """A problem with the user's input or environment, explained in one line."""


class InterruptedAfterSave(KeyboardInterrupt):
    """Ctrl-C arrived while a commit was under way; the commit was finished first, so the save is complete."""
