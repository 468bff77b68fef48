"""The import contract of ../shared/style.md: dependencies point down the kill chain only.

Each package may import only packages of a lower layer (or its own). ``physics`` imports nothing of ours;
``server`` is imported only by ``cli`` (``goldendome serve`` runs it), and ``cli`` by nobody. Checked by parsing
every module's imports (no import-linter needed).
"""

import ast
from pathlib import Path

import goldendome

LAYERS = {
    "physics": 0,
    "threats": 1,  # truth: what flies
    "sensors": 2, "effectors": 2, "tracking": 2,  # look at and act on threats
    "c2": 3,
    "scenario": 4,
    "engine": 5,
    "analysis": 6,
    "io": 7,  # presents what analysis computes (results store, plots, the HTML report)
    "api": 8,
    "server": 9,
    "cli": 10,  # the top: `goldendome serve` imports the server's app factory; nothing imports cli
}  # fmt: skip
ROOT = Path(goldendome.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("goldendome."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("goldendome."))
    return out


def test_every_package_has_a_layer():
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(LAYERS), f"give these packages a layer: {packages - set(LAYERS)}"


def test_dependencies_point_down_only():
    bad = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if len(rel.parts) == 1:
            pkg = rel.stem if rel.stem in LAYERS else None
        else:
            pkg = rel.parts[0]
        if pkg is None:
            continue
        for dep in _imports(path):
            if dep == pkg or dep not in LAYERS:
                continue
            if LAYERS[dep] >= LAYERS[pkg]:
                bad.append(f"{rel} imports goldendome.{dep}")
    assert not bad, "imports against the layering:\n" + "\n".join(bad)


def test_physics_imports_nothing_of_ours():
    for path in (ROOT / "physics").rglob("*.py"):
        assert not (_imports(path) - {"physics"}), path
