"""Kill fills of the example UFO (and designspace) at random moments and check that nothing is ever lost.

    python benchmarks/crash_trials.py --kills 30 --terms 10 --group-kills 10 --interrupts 10 --designspace 20 \
        --model-kills 2 --jobs 2

Each trial copies a pristine target, starts `fontcomplete fill` (copy mode, Big5-1, two tracing workers, in a
process group of its own) and ends it from outside as the world does: SIGKILL (the OOM killer, `kill -9 PID`) or
SIGTERM (`kill PID`, a CI runner's timeout) on the main pid alone, SIGKILL on the whole group, or Ctrl-C, which a
terminal sends to the whole group; a share of the SIGKILL trials instead kill it at a commit point inside the save
window (FONTCOMPLETE_CRASH_AT). It then checks that no process of the run is alive 5 s later (an orphan), that the
target is as the kill left it (byte-identical to before, complete with every original file unchanged, or pending a
journal), that the next run takes the lock at once and recovers it (a refusal is counted), checks it again (before
or complete, every master alike), reruns the fill and checks that it completes. Prints one line per trial and a
summary.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from processes import group_members  # noqa: E402  (the tests' /proc reader)

EXAMPLE = ROOT / "examples" / "zen-maru-gothic-tc" / "sources"
SOURCE = EXAMPLE / "NotoSansCJKtc-Subset.otf"
SAVE_POINTS = ["staged", "entries-written", "record-written", "swapped", "entries-removed"]


def unpack(ufoz: Path, target: Path) -> Path:
    with zipfile.ZipFile(ufoz) as archive:
        top = archive.namelist()[0].split("/", 1)[0]
        archive.extractall(target.parent / "unpack")
    shutil.move(target.parent / "unpack" / top, target)
    shutil.rmtree(target.parent / "unpack")
    return target


def digest_tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def state(target: Path, before: dict[str, str]) -> str:
    """before | complete | pending (journal beside it) | lost (an original file changed) | corrupt."""
    from fontTools.ufoLib import UFOReader

    siblings = [p.name for p in target.parent.iterdir()  # a stale lock alone is not a pending save
                if p.name.startswith(f".{target.name}.") and not p.name.endswith(".fontcomplete-lock")]
    now = digest_tree(target) if target.is_dir() else {}
    if now == before:
        return "before" if not siblings else "before+pending"
    try:
        with UFOReader(target) as reader:
            reader.getGlyphSet().getUnicodes()  # parses every .glif (only needed when something changed)
    except Exception:
        return "pending" if siblings else "corrupt"
    plists = {"glyphs/contents.plist", "lib.plist"}
    if any(now.get(name) != sha for name, sha in before.items() if name not in plists):
        return "lost"
    return "complete" if not siblings else "complete+pending"


def fill_command(target: Path, extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "fontcomplete", "fill", str(target), "--source", str(SOURCE), "--charset",
            "big5-1", "--workers", "2", *extra]


def default_sigint() -> None:
    """Ctrl-C as a terminal delivers it: a shell's background job (this script under `&`) ignores SIGINT, and its
    children would inherit that and never see the interrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


SIGNALS = {"kill": signal.SIGKILL, "term": signal.SIGTERM, "group": signal.SIGKILL, "interrupt": signal.SIGINT,
           "designspace": signal.SIGKILL, "model": signal.SIGKILL}


def end(process: subprocess.Popen, kind: str) -> None:
    """Signal the run as the world does: the whole group for `group` and Ctrl-C, else the main pid alone."""
    if kind in ("group", "interrupt"):
        os.killpg(process.pid, SIGNALS[kind])
    else:
        process.send_signal(SIGNALS[kind])


def survivors(group: int, grace: float = 5.0) -> list[int]:
    """The processes of the run's group still alive `grace` s after its main process ended."""
    deadline = time.monotonic() + grace
    while (left := group_members(group)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def recover(paths: list[Path]) -> str:
    """Take the targets' locks and recover them as the next run would; '' or the refusal."""
    from fontcomplete.core.errors import FontcompleteError
    from fontcomplete.storage import journal

    try:
        with journal.writing(paths):
            return ""
    except FontcompleteError as error:
        return str(error)


def trial(kind: str, number: int, work: Path, pristine: Path, targets: list[str], seed: int, extra: list[str],
          longest: float) -> tuple[str, bool, str]:
    """One trial in its own directory; returns (kind, ok, line)."""
    rng = random.Random(seed)
    directory = work / f"{kind}-{number:03d}"
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(pristine, directory)
    paths = [directory / t for t in targets]
    befores = [digest_tree(p) for p in paths if p.is_dir()]
    target = directory / targets[-1] if len(targets) == 1 else directory / "Fam.designspace"
    env = {**os.environ}
    point = None
    if kind in ("kill", "designspace", "model") and rng.random() < 0.3:
        point = rng.choice(SAVE_POINTS)
        env["FONTCOMPLETE_CRASH_AT"] = point
    started = time.monotonic()
    process = subprocess.Popen(fill_command(target, extra), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint, start_new_session=True)
    delay = rng.uniform(0.3, 0.95 * longest)  # `longest`: how long the whole fill takes, so the kill lands in it
    signalled = False
    if point is None:
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            end(process, kind)
            signalled = True
    code = process.wait()
    killed_at = point or f"{time.monotonic() - started:.1f}s"
    left = survivors(process.pid)
    raw = [state(p, b) for p, b in zip(paths, befores)]
    refused = recover(paths)  # while any orphan still lives: does it keep the next run out?
    kill_all(left)
    err = process.stderr.read()  # an orphan holds the pipe open until it is gone
    problems = []
    if kind == "interrupt" and signalled:  # a fill that finished first was not interrupted
        if code == 130 and "nothing was written" in err and any(s != "before" for s in raw):
            problems.append("exit 130 said nothing was written, but the UFO changed")
        if code != 130:
            problems.append(f"exit {code} (130 expected): {err.strip()[-200:]}")
    if len(set(s.split("+")[0] for s in raw)) > 1:
        out_of_step = "masters out of step until recovery"
    else:
        out_of_step = ""
    if left:
        problems.append(f"orphans {left}")
    if refused:
        problems.append(f"lock refused: {refused}")
    recovered = [state(p, b) for p, b in zip(paths, befores)]
    if any(s not in ("before", "complete") for s in recovered) or len(set(recovered)) > 1:
        problems.append(f"after recovery {recovered}")
    rerun = subprocess.run(fill_command(target, extra), cwd=ROOT, capture_output=True, text=True)
    final = [state(p, b) for p, b in zip(paths, befores)]
    leftovers = [p.name for p in directory.iterdir() if "fontcomplete" in p.name]
    if rerun.returncode != 0 or any(s != "complete" for s in final) or leftovers:
        problems.append(f"rerun exit {rerun.returncode}, {final}, leftovers {leftovers}")
    shutil.rmtree(directory, ignore_errors=True)
    line = (f"{kind} {number:3d}: {killed_at:>16} exit {code:4d} raw {','.join(raw):30} "
            f"recovered {','.join(recovered):18} {out_of_step} {'; '.join(problems) or 'ok'}")
    return kind, not problems, line, len(left), bool(refused)


def fill_seconds(work: Path, pristine: Path, targets: list[str], extra: list[str]) -> float:
    """How long one uninterrupted fill of a copy of `pristine` takes (the kills are drawn inside it)."""
    directory = work / "timing"
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(pristine, directory)
    target = directory / targets[-1] if len(targets) == 1 else directory / "Fam.designspace"
    started = time.monotonic()
    subprocess.run(fill_command(target, extra), cwd=ROOT, check=True, capture_output=True)
    shutil.rmtree(directory)
    return time.monotonic() - started


def prepare(work: Path) -> tuple[Path, Path]:
    """Pristine copies: the Regular master alone, and the two-master designspace."""
    single, family = work / "pristine-ufo", work / "pristine-designspace"
    if not single.exists():
        single.mkdir(parents=True)
        unpack(EXAMPLE / "ZenMaruGothic-Regular.ufoz", single / "Zen.ufo")
    if not family.exists():
        family.mkdir(parents=True)
        unpack(EXAMPLE / "ZenMaruGothic-Regular.ufoz", family / "Regular.ufo")
        unpack(EXAMPLE / "ZenMaruGothic-BoldMaster.ufoz", family / "Bold.ufo")
        text = (EXAMPLE / "ZenMaruGothic.designspace").read_text()
        text = text.replace("ZenMaruGothic-Regular.ufoz", "Regular.ufo")
        (family / "Fam.designspace").write_text(text.replace("ZenMaruGothic-BoldMaster.ufoz", "Bold.ufo"))
    return single, family


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=30, help="SIGKILL on the main pid (some at a save's commit point)")
    parser.add_argument("--terms", type=int, default=10, help="SIGTERM on the main pid")
    parser.add_argument("--group-kills", type=int, default=10, help="SIGKILL on the whole process group")
    parser.add_argument("--interrupts", type=int, default=10)
    parser.add_argument("--designspace", type=int, default=20)
    parser.add_argument("--model-kills", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=ROOT / "runs" / "crash-trials")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    single, family = prepare(args.work)
    model = ["--model", "zen-maru-gothic", "--views", "1"]
    kinds = [("kill", args.kills, single, ["Zen.ufo"], []), ("term", args.terms, single, ["Zen.ufo"], []),
             ("group", args.group_kills, single, ["Zen.ufo"], []), ("interrupt", args.interrupts, single, ["Zen.ufo"], []),
             ("designspace", args.designspace, family, ["Regular.ufo", "Bold.ufo"], []),
             ("model", args.model_kills, single, ["Zen.ufo"], model)]
    seconds: dict[tuple, float] = {}
    plan = []
    for kind, count, pristine, targets, extra in kinds:
        if count and (pristine, tuple(extra)) not in seconds:
            seconds[pristine, tuple(extra)] = fill_seconds(args.work, pristine, targets, extra)
            print(f"one whole fill of {pristine.name} {' '.join(extra)}: {seconds[pristine, tuple(extra)]:.1f} s")
        plan += [(kind, i, pristine, targets, extra, seconds[pristine, tuple(extra)]) for i in range(count)]
    results = []
    with ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(trial, kind, i, args.work, pristine, targets, args.seed * 1000 + n, extra, longest)
                   for n, (kind, i, pristine, targets, extra, longest) in enumerate(plan)]
        for future in futures:
            results.append(future.result())
            print(results[-1][2], flush=True)
    for kind in SIGNALS:
        mine = [result for result in results if result[0] == kind]
        if mine:
            lines = [line for _, _, line, _, _ in mine]
            in_save = sum(1 for line in lines if not line.split(":")[1].strip()[0].isdigit())
            apart = sum(1 for line in lines if "out of step" in line)
            print(f"{kind}: {len(mine)} trials, {in_save} at a commit point in the save window, "
                  f"{apart} with masters out of step before recovery, {sum(r[3] for r in mine)} orphans, "
                  f"{sum(r[4] for r in mine)} lock refusals, {sum(not r[1] for r in mine)} failed; "
                  f"{sum(' exit    0 ' not in line for line in lines)} ended by the signal before the fill finished")


if __name__ == "__main__":
    main()
