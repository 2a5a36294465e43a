"""Reading a template's source for smart fields that do not exist, on every branch.

Rendering the sample only visits the branches the sample takes; ``{% if … %}{{ custmer.name }}{% endif %}``
would pass. Here every ``name``, ``name.attr`` and ``name.0.attr`` the template reads from the context is looked
up in the sample's variables (a list's first element stands for all of them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import nodes
from jinja2.meta import find_undeclared_variables

_MISSING, _UNKNOWN = object(), object()


def unknown_fields(tree: nodes.Template, known: Mapping[str, Any]) -> list[tuple[str, int]]:
    """``(message, line)`` for each smart field the template reads that ``known`` does not have."""
    from_context = find_undeclared_variables(tree)  # names the template reads before (or without) setting them
    found: dict[tuple[str, int], None] = {}
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name in from_context and name.name not in known:
            found[(f"unknown smart field '{name.name}'", name.lineno)] = None
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, nodes.Getattr | nodes.Getitem)
        key = _key(node)
        if key is _UNKNOWN:
            continue
        parent = _value(node.node, known, from_context)
        if parent is not _UNKNOWN and _child(parent, key) is _MISSING:
            found[(f"unknown smart field '{_path(node)}'", node.lineno)] = None
    return sorted(found, key=lambda item: (item[1], item[0]))


def _key(node: nodes.Getattr | nodes.Getitem) -> Any:
    if isinstance(node, nodes.Getattr):
        return node.attr
    return node.arg.value if isinstance(node.arg, nodes.Const) else _UNKNOWN


def _value(node: nodes.Node, known: Mapping[str, Any], from_context: set[str]) -> Any:
    """What ``node`` evaluates to in the sample, or ``_UNKNOWN`` when it is not a plain lookup of a field."""
    if isinstance(node, nodes.Name):
        return known[node.name] if node.name in from_context and node.name in known else _UNKNOWN
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        key = _key(node)
        parent = _value(node.node, known, from_context)
        if key is _UNKNOWN or parent is _UNKNOWN:
            return _UNKNOWN
        value = _child(parent, key)
        return _UNKNOWN if value is _MISSING else value
    return _UNKNOWN


def _child(parent: Any, key: Any) -> Any:
    """``parent.key`` as jinja looks it up (attribute, then item), ``_MISSING``, or ``_UNKNOWN``."""
    if isinstance(key, str) and key.startswith("_"):
        return _UNKNOWN  # the sandbox refuses it at render time, with a clearer reason
    if isinstance(parent, list | tuple):
        if isinstance(key, int):
            return parent[0] if parent else _UNKNOWN
        return getattr(parent, key) if isinstance(key, str) and hasattr(parent, key) else _MISSING
    if isinstance(parent, Mapping) and key in parent:
        return parent[key]
    if isinstance(key, str) and hasattr(parent, key):
        return getattr(parent, key)
    return _MISSING if isinstance(parent, Mapping) or isinstance(key, str) else _UNKNOWN


def _path(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        key = _key(node)
        return f"{_path(node.node)}.{key}" if isinstance(key, str | int) else f"{_path(node.node)}[…]"
    return "…"
