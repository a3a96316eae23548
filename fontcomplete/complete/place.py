"""Place completed glyphs into UFO targets on disk: every master merged, proofed and saved all together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fontcomplete.complete.engine import Completer, Completion
from fontcomplete.complete.merge import MergeReport, NewGlyph, learn_metrics, merge_glyphs, save_all_atomic
from fontcomplete.complete.plan import Master, MastersPlan
from fontcomplete.core.outline import Generated
from fontcomplete.fonts.designspace import MasterFiles
from fontcomplete.fonts.ufo_glyphs import glyph_headers, han_glyphs, open_ufo
from fontcomplete.generate.review import Review
from fontcomplete.generate.sanity import GlyphCheck, failed_checks


@dataclass
class Targets:
    """The open UFOs of one fill and their masters (glyph headers only: outlines are read when needed)."""

    files: MasterFiles
    ufos: list
    masters: list[Master]


@dataclass
class Placed:
    """What a fill did: the merge report per master label, the completion, and the glyphs that look wrong."""

    reports: list[tuple[str, MergeReport]]
    completion: Completion
    suspicious: list[GlyphCheck]
    reviews: dict[int, Review]  # a model's glyphs: how sure each is (fontcomplete.generate.review)
    proof_pages: list[Path]  # the proof sheet's pages written, if one was asked for


def open_targets(files: MasterFiles, completer: Completer) -> Targets:
    ufos = [open_ufo(path) for path in files.paths]
    masters = [completer.master(ufo, {g.name: g for g in glyph_headers(ufo)}, path.name, ufo)
               for ufo, path in zip(ufos, files.paths)]
    return Targets(files, ufos, masters)


def place(targets: Targets, completer: Completer, plan: MastersPlan, *, replace_generated: bool = False,
          proof: str | Path | None = None) -> Placed:
    """Generate the planned glyphs, merge them into every master and save the masters together (call it holding
    their locks: fontcomplete.storage.journal.writing). A model's glyphs record their review
    (fontcomplete.generate.review) in their provenance. `proof` writes a sheet of every new glyph, least sure first:
    its source, then its outline in each master."""
    metrics = [learn_metrics(ufo, han_glyphs(master.glyphs.values()))  # fails before any work without Han glyphs
               for ufo, master in zip(targets.ufos, targets.masters)]
    completion = completer.complete(targets.masters, plan, targets.files.default)
    default = targets.masters[targets.files.default]
    suspicious = failed_checks([Generated(cp, outline) for cp, outline in
                                sorted(completion.outlines[targets.files.default].items())],
                               default.source, default.frame)
    today = date.today().isoformat()
    generators = [completer.generator(master) for master in targets.masters]
    reviews = generators[targets.files.default].reviews(sorted(completion.outlines[targets.files.default]),
                                                         completer.workers)
    reports = []
    for ufo, generator, master, outlines, glyph_metrics in zip(targets.ufos, generators, targets.masters,
                                                               completion.outlines, metrics):
        new = [NewGlyph(cp, outline, generator.provenance(), reviews[cp].provenance() if cp in reviews else None)
               for cp, outline in sorted(outlines.items())]
        reports.append((master.label, merge_glyphs(ufo, new, replace_generated=replace_generated,
                                                   metrics=glyph_metrics, today=today)))
    pages = []
    if proof is not None and completion.outlines[targets.files.default]:
        from fontcomplete.generate.proof import write_fill_proof

        pages = write_fill_proof(proof, default.source, [m.frame for m in targets.masters], completion.outlines,
                                 reviews, default.drawn if reviews else None)
    save_all_atomic([(ufo, None, report.changed_glyph_names) for ufo, (_, report) in zip(targets.ufos, reports)])
    return Placed(reports, completion, suspicious, reviews, pages)


def open_plan(files: MasterFiles, completer: Completer, replace_generated: bool = False) -> tuple[Targets, MastersPlan]:
    """The targets opened and what a fill would do to them (nothing is generated or written)."""
    targets = open_targets(files, completer)
    return targets, completer.plan(targets.masters, replace_generated)

