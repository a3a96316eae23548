"""The commands of docs/your-own-font.md run, in order, on a small font: the guide cannot rot."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import ufoLib2
from fixtures import SOURCE, serif_ufo
from fontTools import subset
from fontTools.ttLib import TTFont
from processes import REPO

pytestmark = pytest.mark.slow
GUIDE = REPO / "docs" / "your-own-font.md"
EXAMPLE_SOURCE = REPO / "examples" / "zen-maru-gothic-tc" / "sources" / "NotoSansCJKtc-Subset.otf"
TINY_TRAINING = ("--steps 2 --g-ngf 4 --g-embedding-dim 8 --d-ndf 4 --batch-size 4 --warmup-steps 0 --eval-count 4 "
                 "--sample-count 4 --no-progress --threads 1 --g-exemplars 4")
# what the guide says for a real font → what the test runs instead; each must occur in the guide
SUBSTITUTIONS = {"--max-minutes 30": TINY_TRAINING}


def guide_commands() -> list[str]:
    """The shell commands of the guide's ```sh blocks, continuation lines joined."""
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    return [line for block in blocks for line in block.replace("\\\n", " ").splitlines() if line.strip()]


@pytest.fixture
def workspace(tmp_path):
    """MyFont.ufo (the 64 test characters drawn in Noto Serif) and a small reference font standing in for
    NotoSansCJK-Regular.ttc#3: those characters, the three the guide accepts and rejects, and 80 more."""
    drawn = sorted(c for c in TTFont(SOURCE).getBestCmap() if c > 0x2E80)
    serif_ufo(tmp_path / "MyFont.ufo", drawn)
    example = sorted(c for c in TTFont(EXAMPLE_SOURCE).getBestCmap() if 0x4E00 <= c <= 0x9FFF and c not in drawn)
    wanted = drawn + [ord(c) for c in "丐丑丕"] + example[:80]
    font = TTFont(EXAMPLE_SOURCE)
    options = subset.Options()
    options.layout_features, options.hinting = [], False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.save(tmp_path / "reference.otf")
    return tmp_path


def test_the_guide_runs_from_your_font_to_a_built_font(workspace):
    commands = guide_commands()
    assert [c.split()[:2] for c in commands][:3] == [["fontcomplete", "missing"], ["fontcomplete", "train"],
                                                      ["fontcomplete", "eval"]]
    text = " ".join(commands)
    assert all(said in text for said in SUBSTITUTIONS), "the guide changed: update SUBSTITUTIONS"
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        for said, run in SUBSTITUTIONS.items():
            command = command.replace(said, run)
        command = command.replace("NotoSansCJK-Regular.ttc#3", str(workspace / "reference.otf"))
        done = subprocess.run(["bash", "-c", command], cwd=workspace, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stderr[-1500:]}"
    font = ufoLib2.Font.open(workspace / "MyFont.ufo")
    assert "uni4E10" in font and "uni4E11" in font and "uni4E15" not in font  # accepted 丐丑, rejected 丕
    listed = subprocess.run([sys.executable, "-m", "fontcomplete", "review", "MyFont.ufo", "--format", "json"],
                            cwd=workspace, capture_output=True, text=True, check=True)
    states = {g["character"]: g["state"] for g in json.loads(listed.stdout)["generated"]}
    assert states["丐"] == states["丑"] == "accepted" and "丕" not in states and len(states) > 40
    built = TTFont(next((workspace / "build").glob("*.otf")))
    assert {ord(c) for c in "丐丑"} <= set(built.getBestCmap()) and ord("丕") not in built.getBestCmap()
    assert (workspace / "eval" / "myfont" / "eval.json").is_file() and (workspace / "models" / "myfont").is_dir()
