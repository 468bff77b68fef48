"""A JSON Schema (pydantic's ``model_json_schema()``) as Markdown tables, for the reference pages.

One section per object type: the file's top level first, then every type it refers to in the order it is first
met; each a table of field, type, default, limits and description. Types link to their own section. The pages call
this when the site is built, so the tables are always the schema the code validates against.
"""

import json
import re

_LIMITS = (
    ("minimum", "≥ {}"),
    ("exclusiveMinimum", "> {}"),
    ("maximum", "≤ {}"),
    ("exclusiveMaximum", "< {}"),
    ("minLength", "at least {} character(s)"),
    ("maxLength", "at most {} characters"),
    ("minItems", "at least {} item(s)"),
    ("maxItems", "at most {} items"),
    ("pattern", "matches `{}`"),
)


def _anchor(prefix: str, name: str) -> str:
    return f"{prefix}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _number(value) -> str:
    if isinstance(value, int) and abs(value) >= 2**31:
        exp = value.bit_length() - 1
        return f"2^{exp}" if value == 2**exp else f"{value:,}"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return str(value)


class _Renderer:
    def __init__(self, schema: dict, prefix: str):
        self.defs = schema.get("$defs", {})
        self.prefix = prefix
        self.order: list[str] = []

    def ref(self, ref: str) -> str:
        name = ref.rsplit("/", 1)[-1]
        if name not in self.order:
            self.order.append(name)
        return f"[{name}](#{_anchor(self.prefix, name)})"

    def type_of(self, node: dict) -> str:
        if "$ref" in node:
            return self.ref(node["$ref"])
        for key in ("anyOf", "oneOf"):
            if key in node:
                parts = [self.type_of(n) for n in node[key] if n.get("type") != "null"]
                text = " or ".join(dict.fromkeys(parts))
                if any(n.get("type") == "null" for n in node[key]):
                    text += " or null"
                return text
        if "allOf" in node and len(node["allOf"]) == 1:
            return self.type_of(node["allOf"][0])
        if "const" in node:
            return f"`{json.dumps(node['const'])}`"
        if "enum" in node:
            return "one of " + ", ".join(f"`{json.dumps(v)}`" for v in node["enum"])
        kind = node.get("type")
        if isinstance(kind, list):
            return " or ".join(kind)
        if kind == "array":
            if "prefixItems" in node:
                return "[" + ", ".join(self.type_of(n) for n in node["prefixItems"]) + "]"
            return "list of " + self.type_of(node.get("items", {}))
        if kind == "object":
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                return "map of name to " + self.type_of(extra)
            return "object"
        if kind == "string" and "format" in node:
            return f"string ({node['format']})"
        return kind or "any"

    def limits(self, node: dict) -> str:
        found = [fmt.format(_number(node[key])) for key, fmt in _LIMITS if key in node]
        for key in ("anyOf", "oneOf"):
            for sub in node.get(key, []):
                if "$ref" not in sub:
                    found += [fmt.format(_number(sub[k])) for k, fmt in _LIMITS if k in sub]
        if node.get("type") == "array" and isinstance(node.get("items"), dict) and "$ref" not in node["items"]:
            found += [f"each {fmt.format(_number(node['items'][k]))}" for k, fmt in _LIMITS if k in node["items"]]
        return ", ".join(dict.fromkeys(found))

    def table(self, node: dict) -> str:
        required = set(node.get("required", []))
        rows = ["| field | type | default | limits | description |", "| --- | --- | --- | --- | --- |"]
        for field, sub in node.get("properties", {}).items():
            if field in required:
                default = "**required**"
            elif "default" in sub:
                default = f"`{json.dumps(sub['default'])}`"
            else:
                default = ""
            rows.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (f"`{field}`", self.type_of(sub), default, self.limits(sub), sub.get("description", ""))
                )
                + " |"
            )
        if len(rows) == 2:
            return "*(no fields)*"
        closed = node.get("additionalProperties") is False
        return "\n".join(rows) + ("\n\nNo other fields are accepted (a misspelt one is an error)." if closed else "")

    def section(self, name: str, node: dict, level: int) -> str:
        head = f"{'#' * level} {name} {{#{_anchor(self.prefix, name)}}}"
        parts = [head]
        if node.get("description"):
            parts.append(" ".join(node["description"].split()))
        if "properties" in node:
            parts.append(self.table(node))
        else:
            parts.append(f"A value of type {self.type_of(node)}.")
        return "\n\n".join(parts)


def schema_markdown(schema: dict, prefix: str, level: int = 3) -> str:
    """The schema as Markdown: the top-level object, then each type it uses, one table each."""
    r = _Renderer(schema, prefix)
    sections = [r.section(schema.get("title", "file"), schema, level)]
    done = set()
    while len(done) < len(r.order):
        for name in list(r.order):
            if name not in done:
                done.add(name)
                sections.append(r.section(name, r.defs[name], level))
    return "\n\n".join(sections)
