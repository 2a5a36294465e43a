"""Message templates: models, smart fields, locale formatting and sandboxed rendering (pure, no I/O)."""

from shared.domain.templates.fields import TemplateContext, build_context, variables
from shared.domain.templates.formatting import Money, MoneyTotal, add_days, add_months, locale_for
from shared.domain.templates.links import Links
from shared.domain.templates.loading import load_template, load_template_text
from shared.domain.templates.models import (
    RenderedMessage,
    RenderFailed,
    Template,
    TemplateBody,
    TemplateInvalid,
    TemplateProblem,
    TemplateSettings,
    User,
    Users,
)
from shared.domain.templates.render import choose_language, render, template_problems, validate_template
from shared.domain.templates.sample import sample_context
from shared.domain.templates.sms import SmsSize, sms_size

__all__ = [
    "Links",
    "Money",
    "MoneyTotal",
    "RenderFailed",
    "RenderedMessage",
    "SmsSize",
    "Template",
    "TemplateBody",
    "TemplateContext",
    "TemplateInvalid",
    "TemplateProblem",
    "TemplateSettings",
    "User",
    "Users",
    "add_days",
    "add_months",
    "build_context",
    "choose_language",
    "load_template",
    "load_template_text",
    "locale_for",
    "render",
    "sample_context",
    "sms_size",
    "template_problems",
    "validate_template",
    "variables",
]
