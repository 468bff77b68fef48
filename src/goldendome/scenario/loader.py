"""Loading scenarios from YAML or TOML files and from the built-in set, with messages a person can act on.

Every problem comes back as a :class:`ScenarioError` holding one line per problem, each naming where it is
(``threats[2].launch.lat_deg``) and what is wrong; nothing is half-loaded.
"""

import hashlib
import json
import tomllib
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from goldendome.scenario.models import Scenario

MAX_SCENARIO_BYTES = 2_000_000
"""Scenario files are small data; anything larger is refused before parsing."""


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``messages`` lists each problem as 'where: what'."""

    def __init__(self, source: str, messages: list[str]):
        self.source = source
        self.messages = messages
        super().__init__(f"{source}: " + "; ".join(messages))


_UNION_TAGS = {"ballistic", "cruise", "glide", "fobs"}
"""Tags of discriminated unions (threat kinds): pydantic puts them in error locations; people never write them."""


def _where(loc: tuple) -> str:
    out = ""
    prev = None
    for part in loc:
        if isinstance(prev, int) and part in _UNION_TAGS:
            prev = part
            continue
        prev = part
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after", "function-before") or str(part).startswith(("function-", "tagged-union")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def format_validation_error(err: ValidationError) -> list[str]:
    """One 'field.path: message (got value)' line per pydantic error."""
    lines = []
    for e in err.errors(include_url=False):
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if e["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; see 'goldendome scenario schema')"
        got = e.get("input")
        shown = ""
        if e["type"] not in ("missing", "extra_forbidden") and not isinstance(got, dict | list) and got is not None:
            shown = f" (got {got!r})"
        lines.append(f"{_where(e['loc'])}: {msg}{shown}")
    return lines


def parse_model(text: str, model: type[BaseModel], source: str = "<input>", fmt: str = "yaml"):
    """Validate YAML or TOML text against a pydantic model. Raises ScenarioError with every problem found."""
    if len(text.encode()) > MAX_SCENARIO_BYTES:
        raise ScenarioError(source, [f"file is larger than {MAX_SCENARIO_BYTES // 1000} kB; scenarios are small data"])
    try:
        data = tomllib.loads(text) if fmt == "toml" else yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise ScenarioError(source, [f"{where}: {getattr(exc, 'problem', None) or exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, [f"TOML: {exc}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(source, ["(top level): expected a mapping of keys (name, epoch, ...)"])
    wrong = _wrong_kind(data, model)
    if wrong:
        raise ScenarioError(source, [wrong])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, format_validation_error(exc)) from None


_COMMAND_OF_KIND = {
    "cost": "goldendome cost",
    "sbi-sizing": "goldendome sbi size",
    "coverage": "goldendome coverage",
    None: "goldendome run / mc",
}


def _wrong_kind(data: dict, model: type[BaseModel]) -> str | None:
    """A plain line when a file of one kind (a cost study, a sizing study, a scenario...) is given to a command that
    reads another; None when the kinds agree."""
    field = model.model_fields.get("kind")
    wanted = field.default if field is not None else None
    given = data.get("kind")
    if given is None and wanted is not None and not ({"threats", "constellations"} & set(data)):
        return None  # a study that leaves its kind out: the model's own checks speak
    if given == wanted or given not in _COMMAND_OF_KIND:
        return None

    def name(kind) -> str:
        return "a scenario" if kind is None else f"a '{kind}' study"

    return f"kind: this file is {name(given)}, read by '{_COMMAND_OF_KIND[given]}'; this command reads {name(wanted)}"


def parse_scenario(text: str, source: str = "<scenario>", fmt: str = "yaml") -> Scenario:
    """Validate scenario text (YAML or TOML). Raises ScenarioError with every problem found."""
    return parse_model(text, Scenario, source, fmt)


def _read(path: str | Path, model: type[BaseModel]):
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(str(path), ["no such file"])
    fmt = "toml" if path.suffix.lower() == ".toml" else "yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            str(path), [f"not UTF-8 text (byte {exc.start}): a {fmt.upper()} file is expected"]
        ) from None
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot be read: {exc.strerror or exc}"]) from None
    return parse_model(text, model, source=str(path), fmt=fmt)


def _shipped_names(folder: str) -> list[str]:
    """Names of the YAML files shipped in a folder of the goldendome.scenario package."""
    files = resources.files("goldendome.scenario").joinpath(folder)
    return sorted(p.name.removesuffix(".yaml") for p in files.iterdir() if p.name.endswith(".yaml"))


def _shipped_text(folder: str, name: str, kind: str) -> str:
    """Text of a shipped YAML file; ScenarioError listing the choices when there is no such name."""
    names = _shipped_names(folder)
    if name not in names:
        raise ScenarioError(name, [f"no built-in {kind} of that name; built-in: {', '.join(names)}"])
    return resources.files("goldendome.scenario").joinpath(f"{folder}/{name}.yaml").read_text()


def study_names() -> list[str]:
    """Built-in study files (architecture questions: SBI sizing, sensor coverage)."""
    return _shipped_names("studies")


def study_text(name: str) -> str:
    return _shipped_text("studies", name, "study")


def load_study(path_or_name: str | Path, model: type[BaseModel]):
    """A study from a file, or a built-in study by name, validated against the given study model."""
    p = Path(path_or_name)
    if p.suffix.lower() in (".yaml", ".yml", ".toml") or p.exists():
        return _read(p, model)
    return parse_model(study_text(str(path_or_name)), model, source=f"built-in:{path_or_name}")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (.yaml/.yml or .toml)."""
    return _read(path, Scenario)


def builtin_names() -> list[str]:
    """Names of the scenarios shipped with goldendome."""
    return _shipped_names("builtin")


def builtin_text(name: str) -> str:
    return _shipped_text("builtin", name, "scenario")


def load_builtin(name: str = "default") -> Scenario:
    """A built-in scenario by name ('default' is the one `goldendome run` uses with no argument)."""
    return parse_scenario(builtin_text(name), source=f"built-in:{name}")


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario's canonical JSON: the identity of a run's inputs."""
    canon = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()


def scenario_schema() -> dict:
    """JSON Schema of the scenario file, for editors and validators."""
    return Scenario.model_json_schema()
