"""Complete a CJK font's Han characters in its own style: find what it lacks, fill it, review, train your own model."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

from fontcomplete import __version__
from fontcomplete.core.errors import FontcompleteError, InterruptedAfterSave

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def command_modules() -> dict:
    """Subcommand name → module with add_arguments(parser) and run(args) -> int (none imports torch at import time)."""
    from fontcomplete.commands import calibrate, evaluate, export, fill, missing, review, train

    return {"missing": missing, "fill": fill, "review": review, "train": train, "eval": evaluate, "export": export,
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
    """Run one command; its exit status. Ctrl-C at any moment (while the commands load, too) is one line, 130."""
    try:
        return _run(args)
    except InterruptedAfterSave:
        print("fontcomplete: interrupted; the save had begun and was completed first", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("fontcomplete: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(args: list[str] | None) -> int:
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


def console() -> None:
    """The `fontcomplete` program: main(), then its status, which a Ctrl-C arriving after the work is done (while the
    interpreter shuts down) can no longer turn into a kill by SIGINT."""
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if code == EXIT_INTERRUPTED:  # CPython exits by SIGINT instead when the Ctrl-C hit a C extension's module init
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    console()
