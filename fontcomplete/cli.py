"""Command line: `fontcomplete missing|fill|train|eval|export|calibrate`; each subcommand lives in fontcomplete/commands/."""

from __future__ import annotations

import argparse
import logging
import sys

from fontcomplete import __version__
from fontcomplete.errors import FontcompleteError
from fontcomplete.journal import InterruptedAfterSave

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def command_modules() -> dict:
    """Subcommand name → module with add_arguments(parser) and run(args) -> int (none imports torch at import time)."""
    from fontcomplete.commands import calibrate, evaluate, export, fill, missing, train

    return {"missing": missing, "fill": fill, "train": train, "eval": evaluate, "export": export,
            "calibrate": calibrate}


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line on stderr (exit 2), as every other bad input is."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog="fontcomplete", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"fontcomplete {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in command_modules().items():
        summary = (module.__doc__ or "").strip().split("\n")[0]
        sub = subparsers.add_parser(name, help=summary, description=summary)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(args: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")  # diagnostics; output is print
    parser = build_parser()
    try:
        namespace = parser.parse_args(args)
    except SystemExit as stop:  # --help, --version, or a usage error already reported in one line
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    try:
        return namespace.run(namespace)
    except FontcompleteError as error:
        message = " ".join(str(error).split())  # one line, whatever a library put into the message
        print(f"fontcomplete {namespace.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except InterruptedAfterSave:
        print(f"fontcomplete {namespace.command}: interrupted; the save had begun and was completed first",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print(f"fontcomplete {namespace.command}: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
