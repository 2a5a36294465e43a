"""The generated documents in the repository are the ones the code makes today: a change to an event contract, a
route, a response model, a table or the state machine without ``make docs`` fails here."""

from __future__ import annotations

import pytest

from cli import docs

# the HTTP API's handlers are loaded at collection: Powertools' tracer opens a UDP socket when it is imported, which
# pytest-socket refuses once a test runs
from cli.docs import openapi  # noqa: F401


@pytest.fixture(scope="module")
def fresh() -> dict[str, str]:
    return docs.build()


def test_every_generated_document_is_current(fresh):
    # GIVEN every document built afresh, in memory
    # WHEN each is compared with the committed file
    stale = docs.out_of_date(documents=fresh)
    # THEN none differs, is missing, or is left over from a contract that no longer exists
    assert stale == [], f"out of date: {', '.join(stale)}: run make docs"


def test_the_build_covers_what_the_docs_promise(fresh):
    # THEN it makes the catalogue, a schema per contract, the API, the workflow schema and the architecture
    assert {"docs/events.md", "docs/openapi.json", "docs/workflow.schema.json", "docs/architecture.md"} <= set(fresh)
    assert len([path for path in fresh if path.startswith("docs/events/")]) == 15
    # AND every file ends with one newline
    assert all(text.endswith("\n") and not text.endswith("\n\n") for text in fresh.values())


def test_the_build_is_deterministic(fresh):
    # WHEN the documents are built a second time THEN they are the same, byte for byte
    assert docs.build() == fresh
