"""`fontcomplete fill` on a designspace: every master UFO on disk completed, saved all together or not at all."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from fontcomplete.designspace import CompleteSettings, Completer, Completion, MastersPlan, plan_masters, \
    read_designspace
from fontcomplete.errors import FontcompleteError
from fontcomplete.fill import Generated
from fontcomplete.merge import NewGlyph, glyph_headers, merge_glyphs, open_ufo, save_all_atomic
from fontcomplete.ufo_check import check_ufo_files


@dataclass(frozen=True)
class MasterFiles:
    """The masters of a designspace: their UFO paths (in document order) and which one is the default."""

    paths: list[Path]
    default: int


def master_files(path: str | Path) -> MasterFiles:
    document, sources = read_designspace(path)
    default = document.findDefault()
    paths = [Path(source.path) for source in sources]
    for master in paths:
        if not master.exists():
            raise FontcompleteError(f"{path}: the master {master} does not exist")
        check_ufo_files(master)
    return MasterFiles(paths, next((i for i, s in enumerate(sources) if s is default), 0))


def _open_masters(files: MasterFiles, completer: Completer):
    ufos = [open_ufo(path) for path in files.paths]
    masters = [completer.master(ufo, {g.name: g for g in glyph_headers(ufo)}, path.name, ufo)
               for ufo, path in zip(ufos, files.paths)]
    return ufos, masters


def plan_designspace(path: str | Path, settings: CompleteSettings, replace_generated: bool = False) -> MastersPlan:
    """What fill would add to every master (no model is loaded, nothing is generated or written)."""
    completer = Completer(dataclasses.replace(settings, model="copy"))
    _, masters = _open_masters(master_files(path), completer)
    return plan_masters(masters, completer.wanted, replace_generated)


def fill_designspace(path: str | Path, settings: CompleteSettings, *, replace_generated: bool = False,
                     proof: str | Path | None = None, pool_map=map) -> tuple[list, Completion]:
    """Complete every master (call it holding the masters' locks); (label, merge report) per master.

    The masters are saved together (fontcomplete.journal): a crash leaves all of them as before or all complete.
    `proof` writes a sheet of every new glyph: its source, then its outline in each master."""
    files = master_files(path)
    completer = Completer(settings)
    completer.pool_map = pool_map
    ufos, masters = _open_masters(files, completer)
    completion = completer.complete(masters, files.default, replace_generated)
    reports = []
    for ufo, master, outlines in zip(ufos, masters, completion.outlines):
        provenance = completer.provenance(master)
        new = [NewGlyph(cp, Generated(cp, outline).draw, provenance) for cp, outline in sorted(outlines.items())]
        reports.append(merge_glyphs(ufo, new, replace_generated=replace_generated))
    if proof is not None and completion.outlines[files.default]:
        from fontcomplete.proof import write_masters_proof

        default = masters[files.default]
        write_masters_proof(proof, default.source, [m.frame for m in masters], completion.outlines)
    save_all_atomic([(ufo, None, report.changed_glyph_names) for ufo, report in zip(ufos, reports)])
    return [(master.label, report) for master, report in zip(masters, reports)], completion
