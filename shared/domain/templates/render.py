"""Rendering a template for one recipient, and validating it when it is saved.

The language is the recipient's when the template has a translation in it (exact tag, then the primary
language: ``fr-CA`` reads ``fr``), otherwise the default body in the tenant's locale. Save-time validation
renders every part of every language against a sample holding every smart field, and also reads the
template's source for fields on branches the sample does not take: an unknown field is refused at save time.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import replace
from typing import Any

from babel import UnknownLocaleError
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from shared.domain.templates.environment import compiled
from shared.domain.templates.fields import TemplateContext, variables
from shared.domain.templates.formatting import language_of, locale_for
from shared.domain.templates.models import (
    Part,
    RenderedMessage,
    RenderFailed,
    Template,
    TemplateBody,
    TemplateInvalid,
    TemplateProblem,
)
from shared.domain.templates.sms import sms_size, sms_text
from shared.domain.templates.static import unknown_fields

_LINE_BREAKS = re.compile(r"[ \t]*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+[ \t]*")
_RUNTIME_ERRORS = (TemplateError, ArithmeticError, LookupError, TypeError, ValueError)


def choose_language(template: Template, language: str | None) -> str | None:
    """The translation to use for a recipient ``language``, or None for the default body."""
    if not language:
        return None
    keys = {key.lower(): key for key in sorted(template.translations)}
    wanted = language.replace("_", "-").lower()
    primary = wanted.split("-")[0]
    if wanted in keys:
        return keys[wanted]
    if primary in keys:
        return keys[primary]
    return next((key for lowered, key in keys.items() if lowered.split("-")[0] == primary), None)


def render(template: Template, context: TemplateContext, language: str | None = None) -> RenderedMessage:
    """The message as the recipient reads it; nothing is sent.

    Parameters
    ----------
    template, context:
        What to render and the facts it draws on (``build_context``).
    language:
        The recipient's language; defaults to the context's.

    Raises
    ------
    RenderFailed
        A part cannot be rendered for this recipient (e.g. the run has no value for a field, or a subject
        renders empty); the message must not go out.
    """
    requested = language or context.language
    chosen = choose_language(template, requested)
    body = template.translations[chosen] if chosen else template.body
    locale = _locale(chosen, requested, context) if chosen else context.tenant_locale
    rendered, problems = _render_body(template.id, chosen, body, context, locale, check_source=False)
    if problems:
        raise RenderFailed(template.id, problems)
    message = RenderedMessage(
        template_id=template.id,
        version=template.version,
        channel=template.channel,
        language=chosen or language_of(locale),
        locale=locale,
    )
    if template.channel == "sms":
        text = sms_text(rendered["text"])
        size = sms_size(text)
        return replace(message, text=text, characters=size.characters, segments=size.segments, encoding=size.encoding)
    return replace(message, subject=rendered.get("subject"), html=rendered.get("html"), text=rendered.get("text"))


def template_problems(template: Template, sample: TemplateContext) -> list[TemplateProblem]:
    """Every problem of every language and part, rendered against ``sample`` (see ``sample_context``)."""
    problems: list[TemplateProblem] = []
    for language, body in template.bodies().items():
        locale = locale_for(language, sample.customer.country) if language else sample.tenant_locale
        problems += _render_body(template.id, language, body, sample, locale, check_source=True)[1]
    return problems


def validate_template(template: Template, sample: TemplateContext) -> None:
    """Refuse a template that would not render for every recipient.

    Raises
    ------
    TemplateInvalid
        Naming, for each problem, the template, language, part, line and the reason (unknown smart field,
        syntax error, unsafe access, a filter given a wrong argument, a part that renders empty).
    """
    problems = template_problems(template, sample)
    if problems:
        raise TemplateInvalid(template.id, problems)


def _render_body(
    template_id: str,
    language: str | None,
    body: TemplateBody,
    context: TemplateContext,
    locale: str,
    *,
    check_source: bool,
) -> tuple[dict[str, str], list[TemplateProblem]]:
    rendered: dict[str, str] = {}
    problems: list[TemplateProblem] = []
    known: dict[bool, dict[str, Any]] = {}
    for part, source in body.parts().items():
        html = part == "html"
        if html not in known:
            known[html] = variables(context, locale, html=html)

        def problem(message: str, line: int | None, part: Part = part) -> TemplateProblem:
            return TemplateProblem(template_id, language, part, message, line)

        try:
            template = compiled(source, locale, html=html)
        except TemplateSyntaxError as error:
            problems.append(problem(f"syntax error: {error.message}", error.lineno))
            continue
        if check_source:
            found = unknown_fields(template.environment.parse(source), known[html])
            if found:
                problems += [problem(message, line) for message, line in found]
                continue
        try:
            output = template.render(known[html])
        except _RUNTIME_ERRORS as error:
            problems.append(problem(_reason(error), _template_line(error)))
            continue
        output = _one_line(output) if part == "subject" else output.strip("\n")
        if not output.strip():
            problems.append(problem(f"the {part} renders empty", None))
            continue
        rendered[part] = output
    return rendered, problems


def _locale(chosen: str, requested: str | None, context: TemplateContext) -> str:
    """The recipient's own locale when it is a variant of the chosen translation (``fr-CA`` reading ``fr``
    gets Canadian formatting), else the translation's language in the customer's country."""
    if requested and requested.replace("_", "-").split("-")[0].lower() == chosen.split("-")[0].lower():
        try:
            return locale_for(requested.replace("_", "-"), context.customer.country)
        except (UnknownLocaleError, ValueError):
            pass  # a tag babel does not know: the translation's language still is
    return locale_for(chosen, context.customer.country)


def _one_line(subject: str) -> str:
    """A subject is one header line: line breaks (never allowed in a header) become spaces; the no-break spaces
    of formatted amounts stay."""
    return _LINE_BREAKS.sub(" ", subject).strip(" \t")


def _reason(error: Exception) -> str:
    if isinstance(error, SecurityError):
        return f"unsafe template: {error}"
    if isinstance(error, UndefinedError):
        return f"undefined smart field: {error.message}"
    return f"{type(error).__name__}: {error}"


def _template_line(error: Exception) -> int | None:
    """The template line being rendered when ``error`` was raised (jinja rewrites frames to template lines)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == "<template>"]
    return frames[-1].lineno if frames else None
