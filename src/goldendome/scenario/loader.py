"""Loading scenarios from YAML or TOML files and from the built-in set, with messages a person can act on.

Every problem comes back as a :class:`ScenarioError` holding one line per problem, each naming where it is
(``threats[2].launch.lat_deg``) and what is wrong; nothing is half-loaded.
"""

import hashlib
import json
import re
import tomllib
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode
from yaml.reader import ReaderError

from goldendome.scenario.models import Scenario

MAX_SCENARIO_BYTES = 2_000_000
"""Scenario files are small data; anything larger is refused before parsing."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists a file may have (a scenario uses about six levels): no file reaches
Python's recursion limit while it is parsed or validated."""
MAX_ALIASES = 64
"""Most YAML aliases (``*name``) a file may use: enough to share a few settings, too few to build an alias bomb."""
MAX_NODES = 100_000
"""Most values (mappings, lists and scalars) a file may expand to, each alias counting every value it repeats; the
largest shipped scenario (russia-raid) has 1,400."""
MAX_EXPANDED_CHARS = 5 * MAX_SCENARIO_BYTES
"""Most characters of scalar text a file may expand to, each alias counting the text it repeats."""
LONG_INTEGER_DIGITS = 100
"""Integer literals with more digits are read as a :class:`LongInteger`: no field takes such a number, and Python
refuses to convert decimal strings of more than 4,300 digits (CPython's ``sys.int_info.default_max_str_digits``)."""


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
            out += ("." if out else "") + _key(part)
    return out or "(top level)"


def _key(part) -> str:
    """A key as a message shows it (an unknown one is quoted back): as written, or its repr if it holds a character
    that is not printable (a newline would break the message's one line), cut to :data:`SHOWN_CHARS`."""
    text = str(part)
    return _cut(text if text.isprintable() else repr(text))


_FIELD_FIRST = re.compile(r"([A-Za-z_][\w\-]*(?:\[\d+\])*(?:\.[A-Za-z_][\w\-]*(?:\[\d+\])*)*): ")
"""A check of a whole model that names the field it is about ('aim: the aim point is ...') starts with its path."""
SHOWN_CHARS = 80
"""Longest value quoted back in a message; longer ones are cut and their length given."""


def format_validation_error(err: ValidationError) -> list[str]:
    """One 'field.path: message (got value)' line per pydantic error; a model's own check that starts with a field
    ('aim: ...') is placed at that field."""
    lines = []
    for e in err.errors(include_url=False):
        where, msg = _where(e["loc"]), e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
            field = _FIELD_FIRST.match(msg)
            if field:
                where = field[1] if where == "(top level)" else f"{where}.{field[1]}"
                msg = msg[field.end() :]
        if e["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; see 'goldendome scenario schema')"
        got = e.get("input")
        shown = ""
        if e["type"] not in ("missing", "extra_forbidden") and not isinstance(got, dict | list) and got is not None:
            shown = f" (got {_shown(got)})"
        lines.append(f"{where}: {msg}{shown}")
    return lines


def _shown(value) -> str:
    """repr of a value, cut to :data:`SHOWN_CHARS` characters."""
    return _cut(repr(value))


def _cut(text: str) -> str:
    """Text of at most about :data:`SHOWN_CHARS` characters: a long one is cut and its length given."""
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[: SHOWN_CHARS - 20]}... ({len(text):,} characters)"


def parse_model(text: str, model: type[BaseModel], source: str = "<input>", fmt: str = "yaml"):
    """Validate YAML or TOML text against a pydantic model. Raises ScenarioError with every problem found."""
    try:
        size = len(text.encode())
    except UnicodeEncodeError as exc:  # a lone surrogate (U+D800-U+DFFF): text made in Python, not read from a file
        where = _line_column(text, exc.start)
        what = f"U+{ord(text[exc.start]):04X} is half of a surrogate pair, not text"
        raise ScenarioError(source, [f"{where}: {what}"]) from None
    if size > MAX_SCENARIO_BYTES:
        limit = f"{MAX_SCENARIO_BYTES // 1000} kB"
        raise ScenarioError(source, [f"(top level): the file is larger than {limit}; scenarios are small data"])
    data = _load_toml(text, source) if fmt == "toml" else _load_yaml(text, source)
    if not isinstance(data, dict):
        raise ScenarioError(source, ["(top level): expected a mapping of keys (name, epoch, ...)"])
    wrong = _wrong_kind(data, model)
    if wrong:
        raise ScenarioError(source, [wrong])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, format_validation_error(exc)) from None


class LongInteger(int):
    """An integer literal of more than :data:`LONG_INTEGER_DIGITS` digits, held as +-10**LONG_INTEGER_DIGITS (beyond
    every bound of every field, so the field refuses it by name) and shown by its length, not its digits."""

    digits: int

    def __new__(cls, negative: bool, digits: int):
        out = super().__new__(cls, (-1 if negative else 1) * 10**LONG_INTEGER_DIGITS)
        out.digits = digits
        return out

    def __repr__(self) -> str:
        return f"{'a negative' if self < 0 else 'an'} integer of {self.digits:,} digits"


class BoundedLoader(yaml.SafeLoader):
    """YAML's safe loader (no ``!!python`` tags) with limits, so that no file of the allowed size expands beyond a
    bound: at most :data:`MAX_ALIASES` aliases, :data:`MAX_NODES` values and :data:`MAX_EXPANDED_CHARS` characters
    once aliases are expanded, nesting of at most :data:`MAX_DEPTH` levels; a key repeated in one mapping is an
    error, not a silent overwrite. It is the pure-Python loader: libyaml's (CSafeLoader) composes nodes in C, out of
    reach of these checks.

    Sizes are counted as the nodes are composed, before anything is constructed: each node's expanded size (values,
    characters, height) is its own plus its children's, and an alias is a child of the size of the node it names.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._size = {}  # id(node) -> (values, characters, height) once composed, aliases expanded

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            return self._alias(self.peek_event())
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, MappingNode):
            _refuse_repeated_keys(node)
        self._size[id(node)] = _expanded_size(node, self._size)
        self._refuse_large(node)
        return node

    def _alias(self, event):
        self._aliases += 1
        if self._aliases > MAX_ALIASES:
            raise ComposerError(
                None, None, f"more than {MAX_ALIASES} aliases (*name); write the values out", event.start_mark
            )
        node = super().compose_node(None, None)
        if id(node) not in self._size:
            raise ComposerError(
                None,
                None,
                f"alias *{event.anchor} is inside the value it names (a value cannot contain itself)",
                event.start_mark,
            )
        if self._depth + self._size[id(node)][2] > MAX_DEPTH:
            raise ComposerError(
                None, None, f"alias *{event.anchor} nests the file deeper than {MAX_DEPTH} levels", event.start_mark
            )
        return node

    def _refuse_large(self, node):
        values, chars, _ = self._size[id(node)]
        if values > MAX_NODES:
            what = f"more than {MAX_NODES:,} values"
        elif chars > MAX_EXPANDED_CHARS:
            what = f"more than {MAX_EXPANDED_CHARS:,} characters"
        else:
            return
        raise ComposerError(
            None,
            None,
            f"this value expands to {what} (aliases count what they repeat); scenarios are small data",
            node.start_mark,
        )

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:  # a scalar shaped like a value that is none (2026-02-30, 0x_)
            raise ConstructorError(None, None, str(exc), node.start_mark) from None

    def construct_yaml_int(self, node):
        digits = node.value.replace("_", "").lstrip("+-")
        if digits.isdigit() and len(digits) > LONG_INTEGER_DIGITS:
            return LongInteger(node.value.lstrip().startswith("-"), len(digits))
        return super().construct_yaml_int(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
BoundedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
)  # 1e-6 and 2E5 are numbers in YAML 1.2 (and TOML); YAML 1.1, PyYAML's own, wants a dot and a signed exponent


def _expanded_size(node, sizes: dict) -> tuple[int, int, int]:
    """(values, characters, height) of a node with its children's sizes known, aliases expanded."""
    if isinstance(node, ScalarNode):
        return 1, len(node.value), 1
    children = [c for pair in node.value for c in pair] if isinstance(node, MappingNode) else node.value
    values, chars, height = 1, 0, 0
    for c in children:
        v, n, h = sizes[id(c)]
        values, chars, height = values + v, chars + n, max(height, h)
    return values, chars, height + 1


def _refuse_repeated_keys(node: MappingNode) -> None:
    """A scalar key written twice in one mapping (merged keys, ``<<: *base``, may be overridden)."""
    first = {}
    for key, _ in node.value:
        if not isinstance(key, ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        k = (key.tag, key.value)
        if k in first:
            raise ComposerError(
                None,
                None,
                f"key {key.value!r} appears twice in the same mapping (first on line {first[k].line + 1})",
                key.start_mark,
            )
        first[k] = key.start_mark


def _load_yaml(text: str, source: str):
    """Python data of YAML text, read by :class:`BoundedLoader`; ScenarioError at the line of the problem."""
    try:
        loader = BoundedLoader(text)  # YAML's reader checks every character here, before anything is parsed
    except ReaderError as exc:  # a control character (but tab, LF, CR and U+0085), U+FFFE or U+FFFF
        raise ScenarioError(
            source, [f"{_line_column(text, exc.position)}: character U+{exc.character:04X} is not allowed in YAML"]
        ) from None
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise ScenarioError(source, [f"{where}: {getattr(exc, 'problem', None) or exc}"]) from None
    finally:
        loader.dispose()


def _line_column(text: str, index: int) -> str:
    """'line L, column C' (both from 1) of the character at index of text."""
    line, line_start = text.count("\n", 0, index) + 1, text.rfind("\n", 0, index) + 1
    return f"line {line}, column {index - line_start + 1}"


def _load_toml(text: str, source: str):
    """Python data of TOML text, no deeper than :data:`MAX_DEPTH` levels; ScenarioError otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, [f"TOML: {exc}"]) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively, without a limit of its own
        raise ScenarioError(source, [f"TOML: nested deeper than {MAX_DEPTH} levels"]) from None
    except ValueError as exc:  # an integer over CPython's 4,300-digit conversion limit
        raise ScenarioError(source, [f"TOML: a number that cannot be read ({str(exc).split(';')[0]})"]) from None
    if _depth(data) > MAX_DEPTH:
        raise ScenarioError(source, [f"TOML: nested deeper than {MAX_DEPTH} levels"])
    return data


def _depth(data) -> int:
    """Nesting depth of parsed data (a tree: TOML shares nothing), counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


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
    if not isinstance(given, str | None):
        return None  # not a kind at all: the model's own check of the field speaks
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
    if p.suffix.lower() in (".yaml", ".yml", ".toml") or p.is_file():
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
