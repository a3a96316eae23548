"""Reading a designspace: its default-layer master sources, their UFO paths, and which one is the default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.storage.ufo_check import check_ufo_files


def read_designspace(path: str | Path):
    """The designspace document and its default-layer master sources (sparse layer sources are skipped)."""
    from fontTools.designspaceLib import DesignSpaceDocument

    try:
        document = DesignSpaceDocument.fromfile(path)
    except Exception as error:
        raise FontcompleteError(f"cannot read the designspace {path}: {error}") from None
    masters = [source for source in document.sources if not source.layerName]
    if not masters:
        raise FontcompleteError(f"the designspace {path} has no master sources")
    return document, masters


@dataclass(frozen=True)
class MasterFiles:
    """The targets of one fill: UFO paths (a designspace's masters in document order) and the default's index."""

    paths: list[Path]
    default: int = 0


def master_files(path: str | Path) -> MasterFiles:
    """The masters of a designspace, each checked to exist and to be a UFO fontcomplete can write safely."""
    document, sources = read_designspace(path)
    default = document.findDefault()
    paths = [Path(source.path) for source in sources]
    for master in paths:
        if not master.exists():
            raise FontcompleteError(f"{path}: the master {master} does not exist")
        check_ufo_files(master)
    return MasterFiles(paths, next((i for i, s in enumerate(sources) if s is default), 0))
