"""The layout is the data flow: each package of fontcomplete/ is a layer, no module imports from a package above its
own, and only ml/ imports torch."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "fontcomplete"

# bottom to top, as the folders are named: concepts, transactional storage, font I/O, pixels to outlines, what makes
# glyphs (with the models), completing fonts, and the entry points (the package's own top-level modules)
LAYERS = [("core",), ("storage",), ("fonts",), ("outlines",), ("generate", "ml"), ("complete",), ("commands", "")]


def layer_of(module: str) -> int | None:
    """The layer of a module given as a path under fontcomplete/ ('outlines.trace'); top-level modules
    ('cli', 'filter') are the entry points."""
    package = module.split(".")[0] if "." in module else ""
    return next((i for i, names in enumerate(LAYERS) if package in names), None)


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
            if node.module.startswith("fontcomplete.") and (PACKAGE / node.module.split(".", 1)[1]).is_dir():
                names = [f"{node.module}.{a.name}" for a in node.names]  # from fontcomplete.storage import journal
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.startswith("fontcomplete.") or name.split(".")[0] in ("torch", "torchvision"):
                found.append((name.removeprefix("fontcomplete."), node.lineno, id(node) in functions))
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", "."), path


def test_every_module_lies_in_a_layer_and_every_layer_is_a_folder():
    assert [name for name, _ in modules() if layer_of(name) is None] == []
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == {name for names in LAYERS for name in names if name}


def test_layer_of_reads_the_folder():
    assert layer_of("outlines.trace") < layer_of("generate.cache") == layer_of("ml.train") < layer_of("complete.place")
    assert layer_of("cli") == layer_of("commands.fill") and layer_of("nowhere.module") is None


def test_no_module_imports_from_a_layer_above_its_own():
    upward = []
    for name, path in modules():
        for imported, line, _ in imports(path):
            if imported.split(".")[0] in ("torch", "torchvision") or imported == "__version__":
                continue
            if layer_of(imported) is None or layer_of(imported) > layer_of(name):
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
