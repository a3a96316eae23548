"""The public panel: designs far from Zen Maru Gothic and from each other, each trained, calibrated and scored as a
user with their own font would, next to the paste of the source.

    python benchmarks/panel.py holdouts                      # writes benchmarks/panel/NAME.txt (committed)
    python benchmarks/panel.py run NAME --out runs/panel [train options]  # a 30-min cpu run, one thread, then eval
    python benchmarks/panel.py table runs/panel              # the table of every finished run (conf AUC: how well
                                                             # the review confidence finds wrong topologies; red:
                                                             # the share of glyphs it marks red)

The fonts come from Debian packages (fonts-ipaexfont-mincho, fonts-arphic-ukai, fonts-ipaexfont-gothic; IPA Font
License and Arphic Public License); the source is the example's Noto Sans CJK TC subset. Each font holds out 200
Han characters it shares with the source: random.Random(SEED).sample() of their sorted codepoints. `run` times the
whole `fontcomplete train` (calibration included), then runs `fontcomplete eval` on the held-out characters.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "zen-maru-gothic-tc"
SOURCE = EXAMPLE / "sources" / "NotoSansCJKtc-Subset.otf"
HOLDOUTS = Path(__file__).resolve().parent / "panel"
SEED = 20261204
PANEL = {
    "ipaex-mincho": "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
    "ar-pl-ukai-tw": "/usr/share/fonts/truetype/arphic/ukai.ttc#2",
    "ipaex-gothic": "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "zen-maru-gothic": str(EXAMPLE / "sources" / "ZenMaruGothic-Regular.ufoz"),  # the example, for reference
}


def holdout_path(name: str) -> Path:
    return EXAMPLE / "holdout.txt" if name == "zen-maru-gothic" else HOLDOUTS / f"{name}.txt"


def write_holdouts() -> None:
    from fontcomplete.core.charsets import is_han
    from fontcomplete.fonts.font import open_font

    source = open_font(str(SOURCE))
    HOLDOUTS.mkdir(exist_ok=True)
    for name, spec in PANEL.items():
        if name == "zen-maru-gothic":
            continue
        font = open_font(spec)
        shared = sorted(c for c in font.cmap if c in source.cmap and is_han(c))
        held = sorted(random.Random(SEED).sample(shared, 200))
        lines = [f"# 200 Han characters held out of training: random.Random({SEED}).sample() of the {len(shared)}",
                 f"# sorted Han codepoints present in both {font.name} and Noto Sans CJK TC (benchmarks/panel.py).",
                 *(f"{chr(c)} U+{c:04X}" for c in held)]
        holdout_path(name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{holdout_path(name)}: 200 of {len(shared)}")


def run(name: str, out: Path, minutes: float, extra: list[str]) -> None:
    run_dir = out / name
    train = [sys.executable, "-m", "fontcomplete", "train", "--target", PANEL[name], "--source", str(SOURCE),
             "--holdout", str(holdout_path(name)), "--preset", "cpu", "--threads", "1", "--seed", "1",
             "--max-minutes", f"{minutes:g}", "--out", str(run_dir), *extra]
    started = time.perf_counter()
    subprocess.run(train, check=True)
    minutes_taken = (time.perf_counter() - started) / 60
    evaluate = [sys.executable, "-m", "fontcomplete", "eval", PANEL[name], "--source", str(SOURCE), "--holdout",
                str(holdout_path(name)), "--model", str(run_dir), "--out", str(run_dir / "eval"), "--workers", "1"]
    subprocess.run(evaluate, check=True)
    (run_dir / "panel.json").write_text(json.dumps({"font": name, "train_minutes": round(minutes_taken, 2),
                                                    "max_minutes": minutes, "options": extra}) + "\n")
    print(f"{name}: train {minutes_taken:.1f} min (--max-minutes {minutes:g})")


def table(out: Path) -> None:
    print(f"{'font':16}{'paste IoU':>10}{'topo ok':>8}{'model IoU':>10}{'SSIM':>7}{'topo ok':>8}{'broken':>8}"
          f"{'merged':>8}{'points ×':>9}{'straight':>9}{'stems':>7}{'conf AUC':>9}{'red':>6}{'minutes':>8}")
    for name in PANEL:
        report_path, panel_path = out / name / "eval" / "eval.json", out / name / "panel.json"
        if not report_path.is_file():
            continue
        report = json.loads(report_path.read_text())
        copy, model = report["summary"]["copy"], report["summary"].get("model", {})
        outline = report["outlines"].get("model", {})
        minutes = json.loads(panel_path.read_text())["train_minutes"] if panel_path.is_file() else float("nan")
        confidence = report.get("confidence") or {}
        red = confidence.get("bands", {}).get("red", {}).get("share", float("nan"))
        print(f"{name:16}{copy['iou_mean']:10.3f}{copy['topology_ok']:8.1%}{model.get('iou_mean', 0):10.3f}"
              f"{model.get('ssim_mean', 0):7.3f}{model.get('topology_ok', 0):8.1%}{model.get('pieces_more', 0):8.1%}"
              f"{model.get('pieces_fewer', 0):8.1%}{outline.get('on_curve_ratio_median', 0):9.2f}"
              f"{outline.get('straight_share_median', 0):9.1%}{outline.get('stem_fit_mean', float('nan')):7.0%}"
              f"{confidence.get('auc_topology_ok', float('nan')):9.2f}{red:6.0%}{minutes:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("holdouts")
    runner = sub.add_parser("run")
    runner.add_argument("name", choices=sorted(PANEL))
    runner.add_argument("--out", type=Path, default=Path("runs/panel"))
    runner.add_argument("--minutes", type=float, default=30.0)
    tabler = sub.add_parser("table")
    tabler.add_argument("out", type=Path, nargs="?", default=Path("runs/panel"))
    args, train_options = parser.parse_known_args()  # run: any other option goes to `fontcomplete train`
    if train_options and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(train_options)}")
    if args.command == "holdouts":
        write_holdouts()
    elif args.command == "run":
        run(args.name, args.out, args.minutes, train_options)
    else:
        table(args.out)


if __name__ == "__main__":
    main()
