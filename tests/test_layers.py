"""The import contract of ../shared/style.md: dependencies point down the kill chain only.

Each package may import only packages of a lower layer (or its own). ``physics`` imports nothing of ours;
``server`` is imported only by ``cli`` (``goldendome serve`` runs it), and ``cli`` by nobody. Checked by parsing
every module's imports (no import-linter needed).
"""

import ast
from pathlib import Path

import pytest

import goldendome

LAYERS = {
    "physics": 0,
    "lookup": 0,  # a catalogue entry by name, and the one error for a name that is not there
    "threats": 1,  # truth: what flies
    "sensors": 2,
    "effectors": 2,
    "tracking": 2,  # look at and act on threats
    "c2": 3,
    "scenario": 4,
    "engine": 5,
    "analysis": 6,
    "io": 7,  # presents what analysis computes (results store, plots, the HTML report)
    "api": 8,
    "server": 9,
    "cli": 10,  # the top: `goldendome serve` imports the server's app factory; nothing imports cli
}
ROOT = Path(goldendome.__file__).parent


def _package_of(path: Path) -> str:
    """Dotted name of the package that holds ``path`` (``goldendome.c2`` for c2/manager.py and c2/__init__.py)."""
    return ".".join(("goldendome", *path.relative_to(ROOT).parts[:-1]))


def _is_top_level(name: str) -> bool:
    """Whether ``goldendome.<name>`` is one of our packages or top-level modules (``engine``, ``api``)."""
    return (ROOT / name / "__init__.py").exists() or (ROOT / f"{name}.py").exists()


def _imported_packages(source: str, package: str = "goldendome") -> set[str]:
    """Top-level goldendome packages and modules that ``source`` imports, in every spelling.

    ``package`` is the dotted name of the package that holds the source, against which relative imports resolve.
    Caught: ``import goldendome.engine``, ``from goldendome.engine import x``, ``from goldendome import engine``,
    ``from .engine import x`` and ``from .. import engine``.
    """
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("goldendome."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: drop one trailing part of the package per dot past the first
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "goldendome":
                out.update(a.name for a in node.names if _is_top_level(a.name))
            elif module.startswith("goldendome."):
                out.add(module.split(".")[1])
    return out


def _imports(path: Path) -> set[str]:
    return _imported_packages(path.read_text(), _package_of(path))


@pytest.mark.parametrize(
    ("source", "package"),
    [
        ("import goldendome.engine", "goldendome"),
        ("import goldendome.engine.trial as trial", "goldendome"),
        ("from goldendome.engine import run_trial", "goldendome"),
        ("from goldendome.engine.trial import run_trial", "goldendome"),
        ("from goldendome import engine", "goldendome"),
        ("from goldendome import __version__, engine", "goldendome"),
        ("from . import engine", "goldendome"),
        ("from .engine import run_trial", "goldendome"),
        ("from .. import engine", "goldendome.c2"),
        ("from ..engine.trial import run_trial", "goldendome.c2"),
        ("from ...engine import run_trial", "goldendome.analysis.cost"),
        ("def f():\n    from goldendome import engine", "goldendome"),
    ],
)
def test_parser_catches_every_spelling_of_an_import(source, package):
    assert _imported_packages(source, package) == {"engine"}


def test_parser_ignores_what_is_not_a_package():
    assert _imported_packages("from goldendome import __version__\nimport goldendome\nimport numpy") == set()
    assert _imported_packages("from . import battle", "goldendome.engine") == {"engine"}


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


def _is_module(dotted: str) -> bool:
    """Whether ``dotted`` (``goldendome.threats.guidance``) names one of our modules or packages."""
    path = ROOT.joinpath(*dotted.split(".")[1:])
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _private_imports(source: str, module: str) -> list[str]:
    """Private names (``_name``, not dunders) of another module that ``source``, the module ``module``, reaches for:
    by ``from goldendome.x import _name`` or as ``mod._name`` on a module it imported."""
    tree = ast.parse(source)
    out, modules = [], {}  # modules: local name -> dotted module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("goldendome"):
            private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
            if node.module != module:
                out += [f"{node.module}.{name}" for name in private]
            for a in node.names:
                if _is_module(f"{node.module}.{a.name}"):
                    modules[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            modules.update((a.asname, a.name) for a in node.names if a.asname and a.name.startswith("goldendome."))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and modules[node.value.id] != module
        ):
            out.append(f"{modules[node.value.id]}.{node.attr}")
    return out


@pytest.mark.parametrize(
    "source",
    [
        "from goldendome.threats.ballistic import resample_to_clock, _x",
        "from goldendome.threats.ballistic import (\n    resample_to_clock,\n    _x,\n)",
        "def f():\n    from goldendome.threats.ballistic import _x",
        "from goldendome.threats import ballistic\nballistic._x()",
        "from goldendome.threats import ballistic as b\nb._x",
        "import goldendome.threats.ballistic as b\nb._x",
    ],
)
def test_private_import_parser_catches_every_spelling(source):
    assert _private_imports(source, "goldendome.threats.fobs") == ["goldendome.threats.ballistic._x"]
    assert _private_imports(source, "goldendome.threats.ballistic") == []  # a module's own names are its own


def test_private_import_parser_ignores_public_and_dunder_names():
    source = "from goldendome import __version__\nfrom goldendome.threats import ballistic\nballistic.fly_ballistic"
    assert _private_imports(source, "goldendome.threats.fobs") == []


def test_no_private_name_crosses_a_module():
    """A name another module needs is public: ``_name`` is a promise that only its own module uses it."""
    bad = []
    for path in ROOT.rglob("*.py"):
        module = ".".join(("goldendome", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")
        bad += [f"{path.relative_to(ROOT)} imports {name}" for name in _private_imports(path.read_text(), module)]
    assert not bad, "make these names public (drop the underscore):\n" + "\n".join(bad)


def test_physics_imports_nothing_of_ours():
    for path in (ROOT / "physics").rglob("*.py"):
        assert not (_imports(path) - {"physics"}), path
