"""The layout is the data flow: no module imports from a layer above its own, and only ml/ imports torch."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "fontcomplete"

# bottom to top: concepts, font I/O and geometry, generators and their helpers, the engine, placing, entry points
LAYERS = [
    {"__version__", "errors", "faults", "frame", "atomic", "interrupts", "worker_processes", "outline", "provenance", "charsets",
     "ufo_check", "metrics"},
    {"fonts", "conventions", "raster", "trace", "redraw", "redraw_tidy", "curve_fit", "outline_checks", "potrace_lib",
     "ufo_glyphs",
     "lock", "ufo_save", "fit", "designspace"},
    {"journal", "plan", "decisions", "fill", "cache", "generators", "checks", "proof", "donors", "review", "ml"},
    {"merge", "engine", "model_paths", "evaluate"},
    {"place", "filter"},
    {"commands", "cli", "__main__", "__init__"},
]


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    return next(i for i, names in enumerate(LAYERS) if top in names)


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported fontcomplete module or 'torch', line, inside a function) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {id(node) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 for node in ast.walk(f)}
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.module != "fontcomplete" else [f"fontcomplete.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.startswith("fontcomplete.") or name.split(".")[0] in ("torch", "torchvision"):
                found.append((name.removeprefix("fontcomplete."), node.lineno, id(node) in functions))
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", "."), path


def test_every_module_has_a_layer():
    assert all(layer_of(name) is not None for name, _ in modules())


def test_no_module_imports_from_a_layer_above_its_own():
    upward = []
    for name, path in modules():
        for imported, line, _ in imports(path):
            if imported.split(".")[0] in ("torch", "torchvision"):
                continue
            if layer_of(imported) > layer_of(name):
                upward.append(f"{path.name}:{line} {name} → {imported}")
    assert upward == []


def test_only_ml_imports_torch_and_the_rest_loads_ml_only_when_a_model_runs():
    wrong = []
    for name, path in modules():
        for imported, line, in_function in imports(path):
            torch = imported.split(".")[0] in ("torch", "torchvision")
            if not name.startswith("ml.") and (torch or (imported.startswith("ml.") and not in_function)):
                wrong.append(f"{path.name}:{line} {name} → {imported}")
    assert wrong == []
