"""What the generator reads out of the code itself: which deployed function can publish an event contract.

A function publishes a contract when a module it imports (directly or through others, within ``shared`` and
``functions``) names the contract's class: the webhook's ingest names the ledger events it announces, the delivery
use case the bounce, complaint and undelivered events it raises. Reading the imports keeps the catalogue right when
a use case moves from one function to another, without a list to keep in step by hand.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import cache
from pathlib import Path

from shared.platform.functions import FUNCTIONS, FunctionSpec

OURS = ("shared", "functions")
CONTRACT_MODULES = "shared.events"  # where the contracts are declared: naming them there publishes nothing


@cache
def _source(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    return Path(spec.origin) if spec is not None and spec.origin not in (None, "built-in") else None


@cache
def _tree(module: str) -> ast.Module | None:
    path = _source(module)
    return ast.parse(path.read_text(encoding="utf-8")) if path is not None else None


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent is not a package: ``name`` is an attribute, not a module
        return False


@cache
def _imports(module: str) -> frozenset[str]:
    """The modules of ours that ``module`` imports (``from a.b import c`` counts ``a.b``, and ``a.b.c`` when
    that is a module)."""
    tree = _tree(module)
    found: set[str] = set()
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if _is_module(f"{node.module}.{a.name}"))
    return frozenset(name for name in found if name.split(".")[0] in OURS)


def imported_by(module: str) -> set[str]:
    """``module`` and every module of ours it imports, transitively."""
    seen: set[str] = set()
    pending = [module]
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.add(current)
            pending.extend(_imports(current))
    return seen


@cache
def _names(module: str) -> frozenset[str]:
    """The names a module uses in its code (not in its imports)."""
    tree = _tree(module)
    return frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)) if tree is not None else frozenset()


def handler_module(spec: FunctionSpec) -> str:
    return spec.handler.rsplit(".", 1)[0]


def publishers(class_name: str) -> list[tuple[FunctionSpec, list[str]]]:
    """The deployed functions that can publish the contract ``class_name``, each with the modules naming it."""
    found = []
    for spec in FUNCTIONS:
        modules = sorted(
            m
            for m in imported_by(handler_module(spec))
            if not m.startswith(CONTRACT_MODULES) and class_name in _names(m)
        )
        if modules:
            found.append((spec, modules))
    return found
