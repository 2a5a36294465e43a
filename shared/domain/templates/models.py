"""Message templates as data: an email (subject, HTML and/or text) or an SMS, with translations per language.

A template is checked twice: its shape here (which parts a channel needs), and its content by
``validate_template``, which renders every part against a representative sample when it is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Literal, Self

from babel import Locale, UnknownLocaleError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shared.domain.ledger.models import EmailAddress
from shared.domain.templates.links import Links

SMS_SOURCE_LIMIT = 1600
Part = Literal["subject", "html", "text"]
PARTS: tuple[Part, ...] = ("subject", "html", "text")


def _known_language(tag: str) -> str:
    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"unknown language '{tag}' (a BCP 47 tag such as fr, de or pt-BR)") from None
    return tag


LanguageTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"), AfterValidator(_known_language)]
TemplateId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TemplateBody(_Frozen):
    """The parts of one language's version of a template."""

    subject: str | None = Field(default=None, min_length=1, max_length=998)
    html: str | None = Field(default=None, min_length=1)
    text: str | None = Field(default=None, min_length=1)

    def parts(self) -> dict[Part, str]:
        """The parts present, in the order subject, html, text."""
        return {part: source for part in PARTS if (source := getattr(self, part)) is not None}


class Template(_Frozen):
    """An email or SMS template. The top-level parts are the default language; ``translations`` add others."""

    id: TemplateId
    version: int = Field(default=1, ge=1)
    channel: Literal["email", "sms"]
    subject: str | None = Field(default=None, min_length=1, max_length=998)
    html: str | None = Field(default=None, min_length=1)
    text: str | None = Field(default=None, min_length=1)
    translations: dict[LanguageTag, TemplateBody] = Field(default_factory=dict)
    attach_invoices: bool = False
    send_without_pdf: bool = Field(
        default=True, description="send when an invoice PDF is unavailable (Kolleno's toggle); else the send waits"
    )

    @property
    def body(self) -> TemplateBody:
        return TemplateBody(subject=self.subject, html=self.html, text=self.text)

    def bodies(self) -> dict[str | None, TemplateBody]:
        """Every language version: None is the default, then each translation."""
        bodies: dict[str | None, TemplateBody] = {None: self.body}
        bodies.update(self.translations)
        return bodies

    @model_validator(mode="after")
    def _parts_fit_the_channel(self) -> Self:
        problems = _channel_problems(self.channel, self.body, "")
        expected = list(self.body.parts())
        for language, body in self.translations.items():
            problems += _channel_problems(self.channel, body, f"translations.{language}: ")
            if list(body.parts()) != expected:
                problems.append(
                    f"translations.{language}: has {', '.join(body.parts()) or 'no parts'}, the default has "
                    f"{', '.join(expected)} (a translation gives the same parts, so no reader gets a mix)"
                )
        if self.channel == "sms" and self.attach_invoices:
            problems.append("an SMS cannot attach invoices")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _channel_problems(channel: str, body: TemplateBody, where: str) -> list[str]:
    if channel == "sms":
        problems = [f"{where}an SMS has no {part}" for part in ("subject", "html") if getattr(body, part)]
        if body.text is None:
            problems.append(f"{where}an SMS needs a text")
        elif len(body.text) > SMS_SOURCE_LIMIT:
            problems.append(f"{where}SMS text is {len(body.text)} characters, at most {SMS_SOURCE_LIMIT}")
        return problems
    problems = [] if body.subject else [f"{where}an email needs a subject"]
    if body.html is None and body.text is None:
        problems.append(f"{where}an email needs an html or a text part (or both)")
    return problems


class User(_Frozen):
    """A person of the tenant (account owner): what ``account_owner.*`` shows."""

    name: str = Field(min_length=1)
    email: EmailAddress


Users = Mapping[str, User]


class TemplateSettings(_Frozen):
    """A tenant's template configuration: its links and the people who can be account owners."""

    links: Links = Links()
    users: dict[str, User] = Field(default_factory=dict)


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong with a template: where (language, part, line) and what jinja or the checks said."""

    template_id: str
    language: str | None
    part: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.language or 'default'}.{self.part}" + (f" line {self.line}" if self.line else "")
        return f"{self.template_id} [{where}]: {self.message}"


class TemplateInvalid(ValueError):
    """A template that cannot be saved: every problem found, each naming its language and part."""

    def __init__(self, template_id: str, problems: list[TemplateProblem]) -> None:
        self.template_id = template_id
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class RenderFailed(ValueError):
    """A message that cannot be rendered for a real recipient (e.g. a field this run has no value for)."""

    def __init__(self, template_id: str, problems: list[TemplateProblem]) -> None:
        self.template_id = template_id
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class RenderedMessage:
    """What a recipient would receive; SMS figures are set for SMS only."""

    template_id: str
    version: int
    channel: str
    language: str
    locale: str
    subject: str | None = None
    html: str | None = None
    text: str | None = None
    characters: int | None = None
    segments: int | None = None
    encoding: str | None = None
