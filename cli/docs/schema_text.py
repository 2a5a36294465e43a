"""JSON Schema (as pydantic writes it) in words, for the field tables of the generated Markdown."""

from __future__ import annotations

import json
from typing import Any


def type_text(schema: dict[str, Any]) -> str:
    """A short reading of a property's schema: ``string (date-time)``, ``array of Mail``, ``one of a, b`` …"""
    if "$ref" in schema:
        return f"`{schema['$ref'].rsplit('/', 1)[-1]}`"
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf", schema.get("oneOf", []))
        texts = [type_text(option) for option in options if option.get("type") != "null"]
        nullable = any(option.get("type") == "null" for option in options)
        return " or ".join(texts) + (" or null" if nullable else "")
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return "one of " + ", ".join(f"`{value}`" for value in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return f"array of {type_text(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {type_text(schema['additionalProperties'])}"
    if kind == "string" and "format" in schema:
        return f"string ({schema['format']})"
    return str(kind or "any")


def constraints_text(schema: dict[str, Any]) -> str:
    """Length, range and pattern constraints, in words ('' when there are none)."""
    words = []
    if "minLength" in schema or "maxLength" in schema:
        words.append(f"{schema.get('minLength', 0)}–{schema.get('maxLength', '∞')} characters")
    if "pattern" in schema:
        words.append(f"pattern `{schema['pattern']}`")
    for key, word in (("minimum", "≥"), ("maximum", "≤"), ("exclusiveMinimum", ">"), ("exclusiveMaximum", "<")):
        if key in schema:
            words.append(f"{word} {schema[key]}")
    return "; ".join(words)


def fields_table(schema: dict[str, Any]) -> list[str]:
    """A Markdown table of an object schema's properties, in the model's field order."""
    required = set(schema.get("required", []))
    rows = ["| Field | Type | Required | Description |", "|---|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        notes = [text for text in (prop.get("description", ""), constraints_text(prop)) if text]
        if name not in required and "default" in prop:
            notes.append(f"default `{json.dumps(prop['default'], ensure_ascii=False)}`")
        need = "yes" if name in required else "no"
        rows.append(f"| `{name}` | {_cell(type_text(prop))} | {need} | {_cell('; '.join(notes))} |")
    return rows


def _cell(text: str) -> str:
    """Table cells hold one line, and a | would end the cell."""
    return text.replace("|", "\\|").replace("\n", " ")
