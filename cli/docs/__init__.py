"""``make docs`` (``chaseflow docs``, ``python -m cli.docs``): the documents generated from the code.

- ``docs/events.md`` and ``docs/events/<contract>.schema.json``: the event catalogue (``cli.docs.events``);
- ``docs/openapi.json``: the HTTP API (``cli.docs.openapi``);
- ``docs/workflow.schema.json``: the workflow definition's JSON Schema (``shared.domain.workflow.schema``);
- the generated blocks of ``docs/architecture.md`` (``cli.docs.architecture``).

The output is deterministic (sorted keys in the JSON, a stable order everywhere, a trailing newline), so the
committed files can be compared with a fresh build: ``tests/unit/test_docs_current.py`` fails when one is out of
date. The generator is not part of the deployed runtime: it lives beside the command line.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = "docs/architecture.md"
GENERATED_DIRS = ("docs/events",)  # folders the generator owns wholly: a file it no longer writes is stale


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build(root: Path = ROOT) -> dict[str, str]:
    """Every generated document, by path from the repository's root, as it should be committed."""
    # imported here: the command line starts without loading the HTTP API's handlers
    from cli.docs import architecture, events, openapi
    from shared.domain.workflow.schema import workflow_schema

    documents = events.documents(dump_json)
    documents["docs/openapi.json"] = dump_json(openapi.document())
    documents["docs/workflow.schema.json"] = workflow_schema_text(workflow_schema())
    documents[ARCHITECTURE] = architecture.refresh((root / ARCHITECTURE).read_text(encoding="utf-8"))
    return dict(sorted(documents.items()))


def workflow_schema_text(schema: dict[str, Any]) -> str:
    """As ``chaseflow workflows schema`` prints it: pydantic's own key order keeps a workflow's fields in the
    order an author writes them."""
    return json.dumps(schema, indent=2) + "\n"


def out_of_date(root: Path = ROOT, documents: dict[str, str] | None = None) -> list[str]:
    """The generated files that differ from a fresh build, are missing, or should no longer exist."""
    documents = build(root) if documents is None else documents
    stale = [path for path, text in documents.items() if _read(root / path) != text]
    for folder in GENERATED_DIRS:
        stale += sorted(
            str(p.relative_to(root)) for p in (root / folder).glob("*") if str(p.relative_to(root)) not in documents
        )
    return sorted(stale)


def write(root: Path = ROOT) -> list[str]:
    """Write every document that changed and delete what the generator no longer makes; return their paths."""
    documents = build(root)
    changed = out_of_date(root, documents)
    for path in changed:
        target = root / path
        if path in documents:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(documents[path], encoding="utf-8", newline="\n")
        else:
            target.unlink()
    return changed


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a document is out of date")
    args = parser.parse_args(argv)
    if args.check:
        stale = out_of_date()
        for path in stale:
            print(f"out of date: {path} (run make docs)")
        return 1 if stale else 0
    for path in write():
        print(f"wrote {path}")
    return 0
