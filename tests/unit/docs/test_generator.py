"""The generator's rules: what it derives from the code (publishers, consumers, the state diagram), and how it
tells a stale document from a current one."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from cli import docs

# ``openapi`` loads the HTTP API's handlers at collection: Powertools' tracer opens a UDP socket when it is
# imported, which pytest-socket refuses once a test runs
from cli.docs import architecture, code, events, openapi  # noqa: F401
from shared.events.contracts import CONTRACTS, InvoiceCreated
from shared.platform.functions import ON_EVENT
from shared.platform.statemachine import ASL_FILE

ROOT = Path(__file__).resolve().parents[3]


def _by_name(name: str) -> events.Contract:
    return next(c for c in events.all_contracts() if c.name == name)


def test_publishers_are_read_from_the_handlers_imports():
    # WHEN the publishers of three contracts are derived from the code
    invoice = [(spec.key, modules) for spec, modules in code.publishers("InvoiceCreated")]
    bounce = [spec.key for spec, _ in code.publishers("EmailBounced")]
    # THEN the webhook announces invoices through ingest, the delivery function bounces
    assert invoice == [("webhooks", ["shared.usecases.ingest"])]
    assert bounce == ["on_delivery_event"]
    # AND a contract no deployed code names has no publisher, and the catalogue says so
    assert code.publishers("EmailSent") == []
    assert "no function publishes it yet" in "\n".join(events._section(_by_name("EmailSent")))


def test_consumers_are_the_rules_that_match():
    # THEN the trigger rule takes the events that enrol or re-evaluate, and not a complaint (neither)
    assert events.consumers(_by_name("InvoiceCreated")) == [ON_EVENT]
    assert events.consumers(_by_name("EmailComplained")) == []
    # AND the SES events go to the delivery function
    assert [s.key for s in events.consumers(_by_name("SesEvent"))] == ["on_delivery_event"]


def test_a_rule_the_catalogue_cannot_read_is_refused(monkeypatch):
    # GIVEN a rule pattern that filters on the detail too
    richer = replace(ON_EVENT, rule_pattern={"source": ["x"], "detail-type": ["y"], "detail": {"a": ["b"]}})
    monkeypatch.setattr(events, "FUNCTIONS", (richer,))
    # THEN the generator refuses to guess who consumes what
    with pytest.raises(ValueError, match="matches only source and detail-type"):
        events.consumers(_by_name("InvoiceCreated"))


@pytest.mark.parametrize("name", list(CONTRACTS))
def test_each_contract_schema_describes_its_detail(name):
    # GIVEN a domain event's JSON Schema
    schema = events.json_schema(_by_name(name))
    cls = CONTRACTS[name]
    # THEN it is draft 2020-12 and names the event's source, detail-type and version
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["x-eventbridge"] == {"source": cls.SOURCE, "detail-types": [name], "version": cls.VERSION}
    # AND its fields are the model's, extra fields refused
    assert list(schema["properties"]) == list(cls.model_fields)
    assert schema["additionalProperties"] is False


def test_a_real_event_has_what_its_schema_requires():
    # GIVEN the EventBridge fixture of an InvoiceCreated event and its schema
    event = json.loads((ROOT / "tests/events/chaseflow/invoice_created.json").read_text())
    schema = events.json_schema(_by_name(event["detail-type"]))
    # THEN its detail holds every required field and no other
    assert set(schema["required"]) <= set(event["detail"]) <= set(schema["properties"])
    InvoiceCreated.model_validate(event["detail"])


def test_the_state_diagram_has_every_transition_of_the_definition():
    # GIVEN the ASL definition
    definition = json.loads(ASL_FILE.read_text())
    expected = 1  # the start
    for state in definition["States"].values():
        expected += len(state.get("Choices", [])) + len(state.get("Catch", []))
        expected += ("Default" in state) + ("Next" in state) + (state["Type"] in ("Succeed", "Fail"))
    # WHEN its transitions are read for the diagram
    found = architecture.transitions(definition)
    # THEN none is missing, and each goes to a state of the definition (or ends)
    assert len(found) == expected
    assert {target for _, target, _ in found} <= {*definition["States"], "[*]"}


def test_the_architecture_blocks_must_all_be_there():
    # GIVEN the architecture page without its tables block
    text = (ROOT / "docs/architecture.md").read_text()
    without = text.replace("<!-- generated: tables -->", "<!-- tables -->")
    # THEN refreshing it says which block is missing
    with pytest.raises(ValueError, match="missing generated blocks \\['tables'\\]"):
        architecture.refresh(without)
    # AND an unknown block is refused
    with pytest.raises(ValueError, match="unknown generated block 'nothing'"):
        architecture.refresh(text + "<!-- generated: nothing -->\nx\n<!-- end generated -->\n")


def test_out_of_date_finds_changed_missing_and_leftover_files(tmp_path):
    # GIVEN a copy of the repository's generated documents, one edited, one missing and one left over
    fresh = docs.build()
    for path, text in fresh.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    (tmp_path / "docs/events.md").write_text("# edited by hand\n", encoding="utf-8")
    (tmp_path / "docs/openapi.json").unlink()
    (tmp_path / "docs/events/Gone.schema.json").write_text("{}\n", encoding="utf-8")
    # WHEN it is checked against the fresh build
    stale = docs.out_of_date(tmp_path, fresh)
    # THEN exactly those three are reported
    assert stale == ["docs/events.md", "docs/events/Gone.schema.json", "docs/openapi.json"]
