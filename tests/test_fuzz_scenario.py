"""Fuzzing the scenario loader (issue 19, deliverable 6): scenarios drawn from the file's JSON Schema
(hypothesis-jsonschema over ``goldendome scenario schema``), built-in scenarios with one field redrawn from its
schema, both mutated the ways a careless or hostile writer would (a wrong type, a number out of range or not
finite, an unknown key, a huge or strange string, a dropped field), and texts written to hurt (deep nesting, YAML
aliases and anchors, repeated keys, odd literals, NaN and infinities, garbage), each written as YAML or TOML.

The invariant: :func:`parse_scenario` returns a Scenario, whose work estimate (engine.budget) is finite and whose
JSON is strict, or raises ScenarioError with one 'where: what' line per problem -- never another exception. A sample
goes through ``goldendome scenario validate FILE``: exit status 0 or 2, never a traceback.

The cases are the same on every run (``derandomize``), so CI is reproducible; bench/bench_fuzz.py draws 10,000 of
them from :data:`SCENARIO_CASES`. hypothesis-jsonschema 0.23 reaches into Hypothesis internals that Hypothesis
6.170.10 changed (``many.more``), hence the pin of Hypothesis in pyproject.toml.
"""

import copy
import datetime as dt
import json
import math
import re
from typing import NamedTuple

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from typer.testing import CliRunner

from goldendome.cli.main import app
from goldendome.engine import budget
from goldendome.scenario.loader import (
    MAX_DEPTH,
    MAX_SCENARIO_BYTES,
    ScenarioError,
    builtin_names,
    builtin_text,
    parse_scenario,
    scenario_schema,
)
from goldendome.scenario.models import Scenario

SCHEMA = scenario_schema()


def _inlined(node, defs: dict):
    """node with every ``$ref`` replaced by the definition it names (the scenario schema has no cycles):
    hypothesis-jsonschema resolves references again at every draw, six times slower."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inlined(defs[node["$ref"].rsplit("/", 1)[1]], defs)
        return {k: _inlined(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inlined(v, defs) for v in node]
    return node


SHORT_LIST = 3
"""Most entries of a list in a drawn document: hypothesis-jsonschema works each object's schema out again at every
draw (about 0.1 s a document with lists this short)."""


def _drawable(schema: dict) -> dict:
    """A narrower schema, every document of which is valid under schema: each threat entry gives its ``type``, so
    the four kinds exclude one another and their oneOf can be drawn as an anyOf (a oneOf draw is checked against
    every branch, most thrown away); lists hold at most :data:`SHORT_LIST` entries."""
    out = copy.deepcopy(schema)
    for kind in ("BallisticThreat", "CruiseThreat", "GlideThreat", "FobsThreat"):
        out["$defs"][kind]["required"] = sorted({*out["$defs"][kind].get("required", []), "type"})
    items = out["properties"]["threats"]["items"]
    items["anyOf"] = items.pop("oneOf")
    stack = [out]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "array":
                node["maxItems"] = min(node.get("maxItems", SHORT_LIST), SHORT_LIST)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


DRAWN = _drawable(SCHEMA)
"""The schema the documents are drawn from."""
DEFS = DRAWN["$defs"]
INLINED = _inlined(DRAWN, DEFS)
BUILTINS = [yaml.safe_load(builtin_text(name)) for name in builtin_names()]
FORMATS = st.sampled_from(["yaml", "toml"])

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""A few hundred cases a test, the same on every run (no example database: nothing carried from run to run)."""

WHERE_WHAT = re.compile(r"\S[^\n]*?: \S[^\n]*")
"""One line naming where (a field path, 'line L, column C', 'TOML', '(top level)') and what is wrong."""


# -- writing documents as YAML and TOML -------------------------------------------------------------------------------


def yaml_text(doc, flow: bool = False) -> str:
    """YAML of a document, in block style or (flow) all on flow style."""
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=flow, width=120)


def toml_text(doc) -> str:
    """TOML of a document: each top-level key as ``key = value``, everything below it inline (TOML 1.0 inline
    tables and arrays). TOML has no null: a None is left out, its key with it. A document that is not a mapping
    becomes the value of a key ``document``."""
    if not isinstance(doc, dict):
        doc = {"document": doc}
    return "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in doc.items() if v is not None)


def _toml_key(key) -> str:
    key = str(key)
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)  # nan, inf, -inf and 1e+300 are TOML floats as Python writes them
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        items = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None)
        return "{" + items + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # JSON's escapes are TOML's (\n, \", \uXXXX)


def written(doc, fmt: str, flow: bool = False) -> str:
    return toml_text(doc) if fmt == "toml" else yaml_text(doc, flow)


# -- documents: from the schema, and built-in scenarios with one field redrawn ---------------------------------------


def _object_schema(schema: dict, value) -> dict | None:
    """The schema that describes value under schema: a $ref followed; of anyOf/oneOf branches, the first that
    fits (an object schema naming every key of value, its ``type`` constant matching; an array schema for a list)."""
    if "$ref" in schema:
        return _object_schema(DEFS[schema["$ref"].rsplit("/", 1)[1]], value)
    for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
        found = _object_schema(branch, value)
        if found is not None:
            return found
    if isinstance(value, dict) and "properties" in schema and set(value) <= set(schema["properties"]):
        kind = schema["properties"].get("type", {}).get("const")
        if kind is None or value.get("type", "ballistic") == kind:
            return schema
    if isinstance(value, list) and "items" in schema:
        return schema
    return None


def fields_of(doc) -> list[tuple[tuple, dict]]:
    """(path, schema) of every field the models of doc have, given or not, below the fields doc gives."""
    out = []

    def walk(value, schema, path):
        found = _object_schema(schema, value)
        if found is None:
            return
        if isinstance(value, dict):
            for key, sub in found["properties"].items():
                out.append(((*path, key), sub))
                if key in value:
                    walk(value[key], sub, (*path, key))
        else:
            for i, item in enumerate(value):
                walk(item, found["items"], (*path, i))

    walk(doc, DRAWN, ())
    return out


def paths_of(doc, path: tuple = ()) -> list[tuple]:
    """Path (keys and indexes) of every value in doc, doc itself first."""
    out = [path]
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in items:
        out += paths_of(value, (*path, key))
    return out


def at(doc, path: tuple):
    for key in path:
        doc = doc[key]
    return doc


def with_value(doc, path: tuple, value):
    """A copy of doc with the value at path set (path empty: value itself)."""
    if not path:
        return value
    out = copy.deepcopy(doc)
    at(out, path[:-1])[path[-1]] = value
    return out


_FIELD_STRATEGIES: dict[str, st.SearchStrategy] = {}


def schema_values(schema: dict) -> st.SearchStrategy:
    """Values valid under a field's schema (hypothesis-jsonschema; built once per schema)."""
    key = json.dumps(schema, sort_keys=True)
    if key not in _FIELD_STRATEGIES:
        _FIELD_STRATEGIES[key] = from_schema(_inlined(schema, DEFS))
    return _FIELD_STRATEGIES[key]


@st.composite
def edited_builtins(draw):
    """A built-in scenario with one field (given or not) set to a value its schema allows: often accepted."""
    doc = draw(st.sampled_from(BUILTINS))
    path, schema = draw(st.sampled_from(fields_of(doc)))
    return with_value(doc, path, draw(schema_values(schema)))


SCHEMA_DOCUMENTS = from_schema(INLINED)
"""Whole documents valid under the JSON Schema (which does not know the catalogues: most name unknown missiles)."""
DOCUMENTS = st.one_of(edited_builtins(), SCHEMA_DOCUMENTS)
"""The documents the mutations start from: built-in scenarios with a field redrawn (mostly valid) and documents drawn
from the schema."""


# -- mutations ---------------------------------------------------------------------------------------------------------

ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x9F), max_size=10),  # control characters
    st.sampled_from(
        ["\ud800", "x\udfff", "line\nbreak", "\u202eevil", "\ufeffname", "\x85", "\x00", "😀" * 50, "名前", "~", ""]
    ),
)
EDGE_NUMBERS = st.sampled_from(
    [-1, 0, -0.0, 1e-300, 5e-324, 1e308, -1e308, 2**63, -(2**63) - 1, 10**400, -(10**4000), math.nan, math.inf]
)
"""Numbers at and past the bounds of fields: zero, subnormals, the largest floats, 64-bit overflow, integers of 401
and 4,001 digits (Python writes integers of up to 4,300: sys.int_info.default_max_str_digits), NaN, infinity."""
WRONG_VALUES = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(),
    st.floats(),
    ODD_TEXT,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
    st.dates().map(str),
)
HUGE_TEXT = st.sampled_from([5_000, 100_000, MAX_SCENARIO_BYTES + 1]).map(lambda n: "x" * n)


@st.composite
def mutated(draw, documents=DOCUMENTS):
    """A document with one thing wrong: a value of another type, an edge number, odd or huge text, an unknown key,
    a field dropped."""
    doc = draw(documents)
    how = draw(st.sampled_from(["wrong type", "edge number", "odd text", "huge text", "unknown key", "dropped"]))
    paths = paths_of(doc)
    if how == "unknown key":
        dicts = [p for p in paths if isinstance(at(doc, p), dict)]
        path = draw(st.sampled_from(dicts)) if dicts else ()
        return with_value(doc, (*path, draw(st.one_of(ODD_TEXT, st.sampled_from(["nmae", "typo"])))), 1)
    if how == "dropped":
        keyed = [p for p in paths if p and isinstance(p[-1], str)]
        if not keyed:
            return doc
        path = draw(st.sampled_from(keyed))
        out = copy.deepcopy(doc)
        del at(out, path[:-1])[path[-1]]
        return out
    values = {"wrong type": WRONG_VALUES, "edge number": EDGE_NUMBERS, "odd text": ODD_TEXT, "huge text": HUGE_TEXT}
    return with_value(doc, draw(st.sampled_from(paths)), draw(values[how]))


# -- texts written to hurt --------------------------------------------------------------------------------------------

BASE = {k: v for k, v in BUILTINS[builtin_names().index("default")].items() if k != "description"}
"""The default scenario without its description, the slot the hostile texts fill."""

YAML_LITERALS = [
    *""".nan .NaN nan .inf -.inf 1e999 -1e999 0x1F 0o17 0b101 1_000 +1 1e-6 1E5 2026-02-30 2026-07-04T25:00:00Z ~ null
    yes on !!str &a *a 'unclosed ? |""".split(),
    "{a: 1, a: 2}",
    "[1, 2",
    '"\\ud800"',
    "!!float nan",
    "!!int 3.5",
    "!!binary aGk=",
    "!!set {a, b}",
    "!!timestamp 2026-13-01",
    "!!python/object/apply:os.system ['true']",
    "|\n  block",
    "9" * 5000,
]
"""Scalars a person may write where a number or a name belongs (YAML 1.1 and 1.2 readings, tags, broken syntax)."""
TOML_LITERALS = [
    *"""nan +nan -nan inf -inf 1e999 0x1F 0o17 1_000 1__0 +1 1979-05-27T07:32:00Z 07:32:00 1979-05-27 'x' [] {} true
    [1,'a'] {a=1,a=2}""".split(),
    '"\\ud800"',
    '"""multi\nline"""',
    "",
    "9" * 5000,
]
"""The same for TOML: its NaN and infinities, dates and times, tables where a scalar belongs, broken syntax."""


def _nested(depth: int, opener: str, closer: str) -> str:
    return opener * depth + "1" + closer * depth


def _alias_bomb(levels: int, width: int) -> str:
    """A flow list of anchors, each naming `width` copies of the one before (width**levels values expanded)."""
    parts = ["&a0 [" + ", ".join(["lol"] * width) + "]"]
    parts += [f"&a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]" for k in range(1, levels + 1)]
    return "[" + ", ".join(parts) + "]"


@st.composite
def hostile_texts(draw) -> tuple[str, str]:
    """(text, format): nesting near and far past MAX_DEPTH, alias bombs and self-reference, merge keys, a line
    repeated (a repeated key), a scalar replaced by an odd literal, or garbage."""
    how = draw(st.sampled_from(["nested", "aliases", "merge", "repeated line", "literal", "garbage"]))
    fmt = "yaml" if how in ("aliases", "merge") else draw(FORMATS)
    if how == "nested":
        depth = draw(st.sampled_from([MAX_DEPTH - 2, MAX_DEPTH, MAX_DEPTH + 1, 500, 10_000]))
        yaml_forms = [("[", "]"), ("{a: ", "}")] + [("- ", "")] * (depth <= 500)  # block: 2 spaces more a level
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a = ", "}")] if fmt == "toml" else yaml_forms))
        nested = (
            _nested(depth, opener, closer)
            if opener != "- "
            else "\n" + "".join("  " * k + "- \n" for k in range(1, depth))
        )
        return written(BASE, fmt) + f"description{' =' if fmt == 'toml' else ':'} {nested}\n", fmt
    if how == "aliases":
        levels, width = draw(st.integers(0, 12)), draw(st.integers(1, 10))
        bomb = draw(st.sampled_from([_alias_bomb(levels, width), "&d [1, *d]", "*nope", "&a x", "[&a 1, *a, *a]"]))
        return yaml_text(BASE) + f"description: {bomb}\n", fmt
    if how == "merge":
        return yaml_text(BASE) + "base: &b {duration_min: 5}\nextra:\n  <<: *b\n  seed: 3\n", fmt
    text = written(draw(edited_builtins()), fmt)
    lines = text.splitlines(keepends=True)
    if how == "repeated line" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        return "".join(lines[: i + 1] + lines[i:]), fmt
    if how == "literal":
        scalar = re.compile(r"^(\s*(?:- )?[A-Za-z_]+: )\S.*$" if fmt == "yaml" else r"^([A-Za-z_]+ = ).*$")
        spots = [i for i, line in enumerate(lines) if scalar.match(line)]
        if spots:
            i = draw(st.sampled_from(spots))
            literal = draw(st.sampled_from(YAML_LITERALS if fmt == "yaml" else TOML_LITERALS))
            lines[i] = scalar.match(lines[i])[1] + literal + "\n"
            return "".join(lines), fmt
    return draw(st.one_of(st.text(max_size=200), ODD_TEXT)), fmt


# -- the cases and the invariant --------------------------------------------------------------------------------------


class Case(NamedTuple):
    """A scenario text to parse: which generator made it, the text, its format."""

    kind: str
    text: str
    fmt: str


def _documents_as(kind: str, documents) -> st.SearchStrategy:
    return st.builds(lambda doc, fmt, flow: Case(kind, written(doc, fmt, flow), fmt), documents, FORMATS, st.booleans())


SCENARIO_CASES = st.one_of(
    _documents_as("schema", SCHEMA_DOCUMENTS),
    _documents_as("edited built-in", edited_builtins()),
    _documents_as("mutated", mutated()),
    hostile_texts().map(lambda tf: Case("hostile", *tf)),
)
"""Every kind of case, for bench/bench_fuzz.py."""


def check_parse(text: str, fmt: str) -> Scenario | None:
    """The invariant: parse_scenario gives a Scenario with a finite work estimate and strict JSON (returned), or a
    ScenarioError of 'where: what' lines (None returned); any other exception propagates."""
    try:
        scn = parse_scenario(text, source="<fuzz>", fmt=fmt)
    except ScenarioError as exc:
        assert exc.messages, "a refusal names its problems"
        bad = [m for m in exc.messages if not WHERE_WHAT.fullmatch(m)]
        assert not bad, f"not one 'where: what' line each: {bad}"
        return None
    work = budget.estimate(scn)
    assert all(math.isfinite(x) for x in (work.samples, work.radar_looks, work.battle_checks, work.memory_gib))
    json.dumps(scn.model_dump(mode="json"), allow_nan=False)  # raises ValueError on a NaN or an infinity
    return scn


@FUZZ
@given(doc=SCHEMA_DOCUMENTS, fmt=FORMATS, flow=st.booleans())
def test_documents_valid_under_the_json_schema_load_or_are_refused_field_by_field(doc, fmt, flow):
    check_parse(written(doc, fmt, flow), fmt)


@FUZZ
@given(doc=edited_builtins(), fmt=FORMATS)
def test_builtin_scenarios_with_a_field_redrawn_from_its_schema_load_or_are_refused(doc, fmt):
    check_parse(written(doc, fmt), fmt)


@FUZZ
@given(doc=mutated(), fmt=FORMATS, flow=st.booleans())
def test_mutated_scenarios_are_refused_line_by_line_or_load(doc, fmt, flow):
    check_parse(written(doc, fmt, flow), fmt)


@FUZZ
@given(case=hostile_texts())
def test_texts_written_to_hurt_are_refused_line_by_line(case):
    check_parse(*case)


def test_some_edited_builtins_are_accepted_so_the_invariant_is_tested_on_both_sides():
    accepted = []

    @settings(FUZZ, max_examples=50)
    @given(doc=edited_builtins())
    def count(doc):
        accepted.append(check_parse(yaml_text(doc), "yaml") is not None)

    count()
    assert sum(accepted) >= len(accepted) // 4


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-validate")


runner = CliRunner()


@settings(FUZZ, max_examples=60)
@given(case=SCENARIO_CASES)
def test_scenario_validate_exits_0_or_2_and_never_with_a_traceback(folder, case):
    path = folder / f"case.{case.fmt}"
    path.write_bytes(case.text.encode("utf-8", "surrogatepass"))  # a lone surrogate becomes bytes that are not UTF-8
    res = runner.invoke(app, ["scenario", "validate", str(path)])
    assert res.exit_code in (0, 2), res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("name: a\nb: \x1f", "yaml", "line 2, column 4: character U+001F is not allowed in YAML"),
        ("name: \x94", "yaml", "line 1, column 7: character U+0094 is not allowed in YAML"),
        ("name: \ud800", "yaml", "line 1, column 7: U+D800 is half of a surrogate pair, not text"),
        ('name = "\udfff"', "toml", "line 1, column 9: U+DFFF is half of a surrogate pair, not text"),
        ('"a\\nb": 1', "yaml", "'a\\nb': unknown field (check the spelling; see 'goldendome scenario schema')"),
        (
            "x" * (MAX_SCENARIO_BYTES + 1),
            "yaml",
            "(top level): the file is larger than 2000 kB; scenarios are small data",
        ),
    ],
    ids=["control-character", "c1-control", "surrogate-yaml", "surrogate-toml", "newline-in-a-key", "too-large"],
)
def test_what_the_fuzzers_found_is_refused_in_one_line_that_says_where(text, fmt, message):
    # before: yaml.reader.ReaderError and UnicodeEncodeError escaped parse_scenario (a 500 from /api/validate and
    # /api/runs), an unknown key with a newline gave a message of two lines, the size limit said no 'where'
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, fmt=fmt)
    assert message in info.value.messages
