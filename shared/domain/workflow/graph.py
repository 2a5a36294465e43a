"""Graph checks for a workflow: every reference resolves, every node is reachable, every loop waits, every
path can end. Each problem names the node path so the author can find it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.domain.workflow.nodes import End, Wait, successors


def graph_problems(nodes: Sequence[Any], start: str | None) -> list[str]:
    problems: list[str] = []
    ids = [n.id for n in nodes]
    position: dict[str, int] = {}
    for i, node_id in enumerate(ids):
        if node_id in position:
            problems.append(f"nodes[{i}].id: duplicate node id '{node_id}'")
        position.setdefault(node_id, i)
    edges: dict[str, list[str]] = {}
    for i, node in enumerate(nodes):
        following = ids[i + 1] if i + 1 < len(ids) else None
        targets = successors(node, following)
        for target in targets:
            if target not in position:
                problems.append(f"nodes[{i}]: '{node.id}' points to no node '{target}'")
        edges[node.id] = [t for t in targets if t in position]
    first = start or (ids[0] if ids else None)
    if first is None or first not in position:
        return [*problems, f"start: no node '{first}'"]
    if problems:
        return problems
    reachable = _reach(first, edges)
    for node_id in ids:
        if node_id not in reachable:
            problems.append(f"nodes[{position[node_id]}]: '{node_id}' cannot be reached from the start")
    waits = {n.id for n in nodes if isinstance(n, Wait)}
    for loop in _cycles(edges):
        if not loop & waits:
            members = ", ".join(sorted(loop, key=position.__getitem__))
            problems.append(f"nodes: the loop through {members} has no wait node (it would run without pause)")
    ends = {n.id for n in nodes if isinstance(n, End) or not edges[n.id]}
    for node_id in sorted(reachable, key=position.__getitem__):
        if not _reach(node_id, edges) & ends:
            problems.append(f"nodes[{position[node_id]}]: no path from '{node_id}' ever ends")
    return problems


def _reach(origin: str, edges: dict[str, list[str]]) -> set[str]:
    seen, stack = {origin}, [origin]
    while stack:
        for nxt in edges[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _cycles(edges: dict[str, list[str]]) -> list[set[str]]:
    """Strongly connected components that contain a cycle (Tarjan, iterative enough for small graphs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges[node]:
                found.append(component)

    for node in edges:
        if node not in index:
            visit(node)
    return found
