"""Template shapes per channel, translations, link templates and loading from YAML or JSON text."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shared.domain.templates import Links, Template, TemplateInvalid, load_template_text
from shared.domain.templates.links import link_url
from tests.unit.templates.support import ledger

_EMAIL: dict[str, Any] = {"channel": "email", "subject": "s", "text": "x"}


def _errors(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as raised:
        Template.model_validate(data)
    return str(raised.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "email", "text": "x"}, "an email needs a subject"),
        ({"channel": "email", "subject": "s"}, "an email needs an html or a text part (or both)"),
        ({"channel": "sms", "subject": "s", "text": "x"}, "an SMS has no subject"),
        ({"channel": "sms", "html": "<p>x</p>", "text": "x"}, "an SMS has no html"),
        ({"channel": "sms"}, "an SMS needs a text"),
        ({"channel": "sms", "text": "x" * 1601}, "SMS text is 1601 characters, at most 1600"),
        ({"channel": "sms", "text": "x", "attach_invoices": True}, "an SMS cannot attach invoices"),
        (_EMAIL | {"translations": {"fr": {"subject": "s"}}}, "fr: an email needs an html or a text part"),
        (
            _EMAIL | {"html": "h", "translations": {"de": {"subject": "s", "text": "t"}}},
            "translations.de: has subject, text, the default has subject, html, text",
        ),
        (_EMAIL | {"translations": {"xx": {"subject": "s", "text": "t"}}}, "unknown language 'xx'"),
        (_EMAIL | {"translations": {"French": {"subject": "s", "text": "t"}}}, "French"),
        ({"channel": "fax", "text": "x"}, "channel"),
        (_EMAIL | {"colour": "red"}, "colour"),
    ],
)
def test_template_shape_per_channel(data: dict[str, Any], message: str) -> None:
    # GIVEN a template missing what its channel needs, or with what it cannot have
    # WHEN validated
    errors = _errors({"id": "t", **data})
    # THEN the reason is given
    assert message in errors


@pytest.mark.parametrize("bad_id", ["Overdue", "overdue_1", "-x", ""])
def test_template_ids_are_slugs(bad_id: str) -> None:
    # GIVEN an id that is not a lower-case slug
    # WHEN validated
    errors = _errors({"id": bad_id, "channel": "sms", "text": "x"})
    # THEN it is refused
    assert "id" in errors


def test_defaults_and_frozen() -> None:
    # GIVEN a minimal email template
    template = Template.model_validate({"id": "t", "channel": "email", "subject": "s", "html": "<p>x</p>"})
    # WHEN its defaults are read
    # THEN version 1, no attachment, sent without PDF, and it cannot be changed
    assert (template.version, template.attach_invoices, template.send_without_pdf) == (1, False, True)
    with pytest.raises(ValidationError):
        template.version = 2  # type: ignore[misc]


def test_yaml_keeps_a_norwegian_translation_key() -> None:
    # GIVEN a YAML template translated into Norwegian ("no", a boolean in YAML 1.1)
    text = "id: t\nchannel: sms\ntext: Hi\ntranslations:\n  no:\n    text: Hei\n"
    # WHEN loaded
    template = load_template_text(text, "t.yaml")
    # THEN the key is the language "no"
    assert list(template.translations) == ["no"]


def test_loading_reports_each_problem_with_its_path() -> None:
    # GIVEN a JSON template with a wrong field type inside a translation
    text = '{"id": "t", "channel": "email", "subject": "s", "text": "x", "translations": {"fr": {"subject": 3}}}'
    # WHEN loaded
    with pytest.raises(TemplateInvalid) as raised:
        load_template_text(text, "t.json")
    # THEN the problem's part is the path
    assert raised.value.template_id == "t"
    assert [p.part for p in raised.value.problems] == ["translations.fr.subject"]


def test_unreadable_text_is_a_template_problem() -> None:
    # GIVEN text that is not YAML
    # WHEN loaded
    with pytest.raises(TemplateInvalid) as raised:
        load_template_text("id: [unclosed", "broken.yaml")
    # THEN it is a TemplateInvalid naming the file
    assert raised.value.template_id == "broken.yaml"
    assert "not valid YAML/JSON" in raised.value.problems[0].message


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://pay.example/{customer_id}", "https://"),
        ("https://pay.example/{customer}", "unknown placeholder"),
        ("https://pay.example/{customer_id.__class__}", "unknown placeholder"),
    ],
)
def test_link_templates_are_checked(url: str, message: str) -> None:
    # GIVEN a link template that is not https or names an unknown placeholder
    # WHEN validated
    with pytest.raises(ValidationError) as raised:
        Links(portal=url)
    # THEN it is refused
    assert message in str(raised.value)


def test_link_values_are_url_quoted() -> None:
    # GIVEN cus-aged, whose ERP id is "ERP 42/7"
    customer = ledger().customers["cus-aged"]
    # WHEN its link is built
    url = link_url("https://pay.example/{tenant_id}/{customer_source_id}?ref={customer_reference}", "tpl", customer)
    # THEN every value is quoted, so it cannot add a path or a query
    assert url == "https://pay.example/tpl/ERP%2042%2F7?ref=CUST-AGED"
