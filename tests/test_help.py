"""Help a designer reads: one complete line per command, no module paths, defaults shown, advanced options apart."""

from __future__ import annotations

import re

import pytest

from fontcomplete.cli import build_parser, command_modules, main

MODULE_PATH = re.compile(r"fontcomplete\.[a-z_]+|fontcomplete/(commands|ml)|\b[a-z_]+\.py\b")
HISTORY = re.compile(r"\bsession \d|this project's|0\.3\.1", re.IGNORECASE)


def help_text(capsys, *argv) -> str:
    capsys.readouterr()
    assert main([*argv, "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["", *command_modules()])
def test_help_has_no_module_path_and_no_history(capsys, command):
    text = help_text(capsys, *([command] if command else []))
    assert MODULE_PATH.findall(text) == [] and HISTORY.findall(text) == []
    assert "None" not in text


def test_every_command_has_a_complete_one_line_summary():
    for name, module in command_modules().items():
        summary = module.__doc__.strip().split("\n")[0]
        assert summary.endswith((".", ")")) and summary.count("(") == summary.count(")"), name
    choices = build_parser()._subparsers._group_actions[0].choices
    assert set(choices) == {"missing", "fill", "review", "train", "eval", "export", "calibrate"}


def test_train_help_keeps_the_advanced_options_apart(capsys):
    text = help_text(capsys, "train")
    common, advanced = text.index("training (default: the preset's value)"), text.index("advanced:")
    assert common < advanced
    listed = {flag: text.index(f"\n  {flag} ") for flag in ("--max-minutes", "--val-fraction", "--g-ngf", "--lr")}
    assert common < listed["--max-minutes"] < advanced and common < listed["--val-fraction"] < advanced
    assert advanced < listed["--g-ngf"] and advanced < listed["--lr"]


def test_tracing_options_show_their_defaults(capsys):
    text = " ".join(help_text(capsys, "fill").split())
    for flag, default in (("--upsample", "3"), ("--turdsize", "10.0"), ("--alphamax", "1.2"),
                          ("--opttolerance", "0.2")):
        assert re.search(re.escape(flag) + r" \S+ [^-]*\(default " + re.escape(default) + r"\)", text), flag
