"""``chaseflow templates validate`` and ``chaseflow templates preview`` on the examples and the fixtures."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import main
from tests.unit.templates.support import EXAMPLES, FIXTURES

TEMPLATES = EXAMPLES / "templates"
LEDGER = EXAMPLES / "ledger"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_validate_accepts_every_example_template() -> None:
    # GIVEN the example templates folder
    # WHEN validated as JSON
    code, output = run("templates", "validate", str(TEMPLATES), "--json")
    # THEN every file is valid
    report = json.loads(output)
    assert code == 0
    assert report["invalid"] == []
    assert sorted(report["valid"]) == sorted(p.stem for p in TEMPLATES.glob("*.yaml"))


def test_validate_names_each_problem_and_fails() -> None:
    # GIVEN a template with unknown fields and an unclosed block, and one trying to leave the sandbox
    files = [str(FIXTURES / "unknown-field.json"), str(FIXTURES / "sandbox-escape.json")]
    # WHEN validated for people
    code, output = run("templates", "validate", *files, "--settings", str(FIXTURES / "settings.json"))
    # THEN it exits 1, naming template, language, part, line and reason
    assert code == 1
    assert output.splitlines() == [
        "invalid  unknown-field",
        "  unknown-field [default.text line 3]: unknown smart field 'customer.balance_overdue_more_than_45_days'",
        "  unknown-field [fr.text line 3]: syntax error: Unexpected end of template. Jinja was looking for the "
        "following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
        "invalid  sandbox-escape",
        "  sandbox-escape [default.text line 1]: unsafe template: access to attribute '__class__' of 'str' object "
        "is unsafe.",
    ]


def test_preview_renders_a_real_example_customer() -> None:
    # GIVEN cus-004 of the example ledger (German, EUR), at the default instant (the ledger's latest invoice
    # date, 2 Nov 2026, at 09:00 London), two of its overdue invoices
    args = [str(TEMPLATES / "overdue-friendly.yaml"), "--ledger", str(LEDGER), "--customer", "cus-004"]
    # WHEN previewed as JSON
    code, output = run("templates", "preview", *args, "--invoices", "inv-00331,inv-00308", "--json")
    # THEN the German translation lists exactly those two invoices, 4,465.72 + 3,809.70 = 8,275.42
    report = json.loads(output)
    message = report["message"]
    assert code == 0
    assert report["at"] == "2026-11-02T09:00:00+00:00"
    assert (message["language"], message["locale"]) == ("de", "de_DE")
    assert message["subject"] == "Freundliche Erinnerung: 8.275,42\xa0€ offen für Beacon Motors GmbH"
    assert (
        "- INV-10308 — 4.465,72\xa0€ — Fällig am 05.09.2026\n- INV-10331 — 3.809,70\xa0€ — Fällig am 18.09.2026"
        in (message["text"])
    )
    assert message["html"].count("<tr>") == 3
    assert "Bilal Khan" in message["text"]  # the owner, from examples/templates/settings.json


def test_preview_is_deterministic_and_defaults_to_the_overdue_invoices() -> None:
    # GIVEN the same preview of an example SMS run twice, for people, with every default
    args = [str(TEMPLATES / "sms-overdue.yaml"), "--ledger", str(LEDGER), "--customer", "cus-015"]
    # WHEN previewed
    first, second = run("templates", "preview", *args), run("templates", "preview", *args)
    # THEN both outputs are the same, in French, with the SMS size
    code, output = first
    assert code == 0
    assert first == second
    assert "Language: fr (fr_FR)" in output
    assert "SMS: 145 characters, GSM-7, 1 segment(s)" in output
    assert "Bonjour Lena, Silverline Labs SAS a un solde échu de 21 871,39 €." in output


def test_preview_in_another_language_and_at_another_instant() -> None:
    # GIVEN an English customer previewed in French on 1 October 2026
    args = [str(TEMPLATES / "overdue-1.yaml"), "--ledger", str(LEDGER), "--customer", "cus-001"]
    # WHEN previewed
    code, output = run("templates", "preview", *args, "--language", "fr", "--at", "2026-10-01T08:00:00Z", "--json")
    # THEN the French translation renders, dated that day
    report = json.loads(output)
    assert code == 0
    assert report["at"] == "2026-10-01T08:00:00+00:00"
    assert report["message"]["language"] == "fr"
    assert report["message"]["subject"].startswith("La facture INV-")


def test_preview_refuses_what_the_ledger_does_not_hold() -> None:
    # GIVEN an invoice of another customer
    args = [str(TEMPLATES / "overdue-1.yaml"), "--ledger", str(LEDGER), "--customer", "cus-001"]
    # WHEN previewed
    code, output = run("templates", "preview", *args, "--invoices", "inv-00003")
    # THEN it fails with the reason
    assert code == 1
    assert "customer 'cus-001' has no invoice inv-00003 on 2026-11-02" in output


def test_preview_of_a_payment_message_without_a_payment_fails_cleanly() -> None:
    # GIVEN the payment thank-you previewed without --payment
    args = [str(TEMPLATES / "payment-thank-you.yaml"), "--ledger", str(LEDGER), "--customer", "cus-001"]
    # WHEN previewed
    code, output = run("templates", "preview", *args)
    # THEN it fails: the message names a payment this preview has none of
    assert code == 1
    assert "undefined smart field: 'payment' is undefined" in output
