"""Save-time validation, the sandbox, language choice and locale formatting."""

from __future__ import annotations

import pytest

from shared.domain.templates import (
    Links,
    RenderFailed,
    TemplateInvalid,
    choose_language,
    render,
    sample_context,
    template_problems,
    validate_template,
)
from tests.unit.templates.support import TENANT, context, template, text_of

SAMPLE = sample_context(TENANT)


def _problems(**parts: object) -> list[str]:
    return [str(p) for p in template_problems(template(**parts), SAMPLE)]


# -- validation at save time ----------------------------------------------------------------------------------------


def test_a_valid_template_passes_validation() -> None:
    # GIVEN a template using fields of every kind
    valid = template(
        subject="{{ invoices | length }} invoices for {{ customer.name }}",
        text="{{ contact.first_name }} {{ invoices_table }} {{ customer_portal.url }} {{ today | add_days(3) }}",
        html="<p>{{ invoices_list }} {% balance_overdue_between_days customer 5 10 %}</p>",
    )
    # WHEN validated against the sample
    # THEN nothing is raised and no problem found
    validate_template(valid, SAMPLE)
    assert template_problems(valid, SAMPLE) == []


def test_an_unknown_field_fails_at_save_time_naming_language_part_and_line() -> None:
    # GIVEN a French translation whose text misspells a field on line 3
    broken = template(
        text="Hello {{ contact.name }}",
        translations={"fr": {"subject": "Objet", "text": "Bonjour\n\n{{ contact.nom }}"}},
    )
    # WHEN validated
    with pytest.raises(TemplateInvalid) as raised:
        validate_template(broken, SAMPLE)
    # THEN the one problem names the template, language, part, line and field
    problem = raised.value.problems[0]
    assert len(raised.value.problems) == 1
    assert (problem.template_id, problem.language, problem.part, problem.line) == ("under-test", "fr", "text", 3)
    assert problem.message == "unknown smart field 'contact.nom'"
    assert str(problem) == "under-test [fr.text line 3]: unknown smart field 'contact.nom'"


def test_unknown_fields_on_branches_the_sample_does_not_take_are_found() -> None:
    # GIVEN misspellings on a branch never taken and inside a loop over invoices
    found = _problems(
        text="{% if false %}{{ custmer.name }}{{ customer.nmae }}{% endif %}\n{{ invoices.0.numbr }}"
        "{% for i in invoices %}{{ i.number }}{% endfor %}"
    )
    # WHEN validated
    # THEN each is reported with its line; the loop variable is not mistaken for a field
    assert found == [
        "under-test [default.text line 1]: unknown smart field 'custmer'",
        "under-test [default.text line 1]: unknown smart field 'customer.nmae'",
        "under-test [default.text line 2]: unknown smart field 'invoices.0.numbr'",
    ]


def test_a_syntax_error_is_reported_with_its_line() -> None:
    # GIVEN an html part with an unclosed block on line 2
    # WHEN validated
    found = _problems(html="<p>Hi</p>\n{% if customer.balance > 0 %}owing")
    # THEN the syntax error names the part and line
    assert len(found) == 1
    assert found[0].startswith("under-test [default.html line 2]: syntax error: Unexpected end of template")


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ customer.__class__ }}",
        "{{ invoices.append(1) }}",
        "{{ 'x' * 100000000 }}",
    ],
)
def test_unsafe_access_is_refused_by_the_sandbox(source: str) -> None:
    # GIVEN a template trying to reach Python internals, mutate the context or exhaust memory
    # WHEN validated
    found = _problems(text=source)
    # THEN the sandbox's SecurityError becomes a problem of the template
    assert len(found) == 1
    assert "unsafe template" in found[0]


def test_a_filter_given_a_wrong_value_fails_validation() -> None:
    # GIVEN add_days given a text
    # WHEN validated
    found = _problems(text="{{ today | add_days('x') }}")
    # THEN it is refused, naming the filter
    assert found == [
        "under-test [default.text line 1]: ValueError: add_days needs a whole number between -36600 and 36600, got 'x'"
    ]


def test_a_part_rendering_empty_is_refused() -> None:
    # GIVEN a subject that renders only spaces
    # WHEN validated
    found = _problems(subject="{{ '' }}  ", text="Body")
    # THEN it is refused: an email without a subject must not leave
    assert found == ["under-test [default.subject]: the subject renders empty"]


def test_a_tenant_without_a_portal_link_refuses_templates_using_it() -> None:
    # GIVEN a tenant whose settings have no portal link
    sample = sample_context(TENANT, Links())
    # WHEN a template using the portal is validated
    found = [str(p) for p in template_problems(template(text="Pay at {{ customer_portal.url }}"), sample)]
    # THEN it is refused at save time
    assert found == ["under-test [default.text line 1]: unknown smart field 'customer_portal'"]


# -- rendering ------------------------------------------------------------------------------------------------------


def test_subject_and_text_are_not_escaped_and_html_is() -> None:
    # GIVEN a customer whose name holds & and <
    ctx = context("cus-aged")
    both = template(subject="{{ customer.name }}\n(reminder)", text="{{ customer.name }}", html="{{ customer.name }}")
    # WHEN rendered
    message = render(both, ctx)
    # THEN only html is escaped, and the subject is one line
    assert message.subject == "Aged Balances & Co <Ltd> (reminder)"
    assert message.text == "Aged Balances & Co <Ltd>"
    assert message.html == "Aged Balances &amp; Co &lt;Ltd&gt;"


def test_render_failure_at_send_time_is_typed() -> None:
    # GIVEN a valid template and a run with no contact to greet
    ctx = context("cus-aged", contact_id=None)
    # WHEN rendered
    with pytest.raises(RenderFailed) as raised:
        render(template(text="Dear {{ contact.first_name }}"), ctx)
    # THEN RenderFailed names the part
    assert raised.value.problems[0].part == "text"
    assert raised.value.template_id == "under-test"


# -- languages and locales ------------------------------------------------------------------------------------------

_TRANSLATED = template(
    subject="Reminder {{ customer.balance_overdue }}",
    text="Due {{ invoices.0.date_due | format_date('long') }}: {{ invoices.0.balance }}",
    translations={
        "fr": {"subject": "Rappel {{ customer.balance_overdue }}", "text": "Échéance {{ invoices.0.date_due }}"},
        "de": {"subject": "Erinnerung", "text": "Fällig {{ invoices.0.date_due | format_date('long') }}"},
    },
)


@pytest.mark.parametrize(
    ("customer_id", "contact_id", "language", "expected"),
    [
        # the customer's language (fr) has a translation: French words, fr_FR formatting
        ("cus-fr", "con-fr-1", None, ("fr", "fr_FR", "Rappel 1\u202f234,50\xa0€", "Échéance 13 mars 2026")),
        # the contact's language wins over the customer's: fr-CA reads the fr translation, fr_CA formatting
        ("cus-de", "con-de-2", None, ("fr", "fr_CA", "Rappel 1\xa0234,50\xa0€", "Échéance 13 mars 2026")),
        ("cus-de", "con-de-1", None, ("de", "de_DE", "Erinnerung", "Fällig 13. März 2026")),
        # no Spanish translation: the default body in the tenant's locale
        ("cus-de", "con-de-1", "es", ("en", "en_GB", "Reminder €1,234.50", "Due 13 March 2026: €1,234.50")),
        ("cus-aged", "con-aged-1", None, ("en", "en_GB", "Reminder £11,111.00", "Due 16 December 2025: £10,000.00")),
    ],
)
def test_the_translation_follows_the_recipient_language_with_fallback(
    customer_id: str, contact_id: str, language: str | None, expected: tuple[str, str, str, str]
) -> None:
    # GIVEN a template in English with French and German translations
    ctx = context(customer_id, contact_id=contact_id)
    # WHEN rendered for the recipient
    message = render(_TRANSLATED, ctx, language)
    # THEN the language, the locale and the formatting follow the recipient when a translation exists
    assert (message.language, message.locale, message.subject, message.text) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "fr"), ("FR", "fr"), ("fr-CA", "fr"), ("fr_BE", "fr"), ("pt-BR", None), ("", None), (None, None)],
)
def test_choose_language(language: str | None, expected: str | None) -> None:
    # GIVEN translations in fr and de
    # WHEN choosing for a recipient language
    # THEN the exact tag, else its primary language, else the default (None)
    assert choose_language(_TRANSLATED, language) == expected


@pytest.mark.parametrize(
    ("customer_id", "language", "expected"),
    [
        ("cus-aged", "en", "£1,234.50"),  # en_GB
        ("cus-fr", "fr", "1\u202f234,50\xa0€"),  # fr_FR: narrow no-break space groups, no-break space before €
        ("cus-de", "de", "1.234,50\xa0€"),  # de_DE
    ],
)
def test_money_follows_the_locale(customer_id: str, language: str, expected: str) -> None:
    # GIVEN an invoice of 1,234.50 in each customer's currency and a template translated into fr and de
    ids = {"cus-aged": ["age-due"], "cus-fr": ["fr-1"], "cus-de": ["de-1"]}[customer_id]
    translated = template(
        text="{{ invoices.0.balance }}",
        translations={lang: {"subject": "s", "text": "{{ invoices.0.balance }}"} for lang in ("fr", "de")},
    )
    # WHEN rendered in the recipient's language
    message = render(translated, context(customer_id, ids), language)
    # THEN babel formats the amount the reader's way
    assert message.text == expected


def test_a_recipient_without_a_translation_reads_the_tenant_locale() -> None:
    # GIVEN a French customer and an English-only template
    ctx = context("cus-fr")
    # WHEN rendered
    # THEN the amount is formatted for the tenant's en_GB
    assert text_of("{{ customer.balance }} {{ today }}", ctx) == "€1,234.50 16 Mar 2026"
