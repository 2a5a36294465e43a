"""The nodes of a workflow graph. Each node names the next one (``next``), or the following node in the list.

Send email, send SMS, create a task, wait, if/else branch, actions on the record, end.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from shared.domain.filters.conditions import Condition
from shared.domain.ledger.models import Tag


def _zero_padded(value: object) -> object:
    """Accept "9:00" as well as "09:00" for local times."""
    if isinstance(value, str) and len(value.strip()) == 4 and value.strip()[1] == ":":
        return "0" + value.strip()
    return value


LocalTime = Annotated[dt.time, BeforeValidator(_zero_padded)]
NodeId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="lower-case slug")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Node(_Model):
    id: NodeId
    label: str | None = Field(default=None, description="shown in the builder and in explanations")


class _Linear(_Node):
    next: NodeId | None = Field(default=None, description="next node; defaults to the following node in the list")


class Recipients(_Model):
    """Who receives a message (Kolleno: primary + other contacts by default; a position; the invoice contact)."""

    to: Literal["primary_and_others", "primary", "positions", "invoice_contact", "run_contact"] = "primary_and_others"
    positions: tuple[str, ...] = ()
    cc_account_owner: bool = False

    @model_validator(mode="after")
    def _positions_named(self) -> Recipients:
        if self.to == "positions" and not self.positions:
            raise ValueError("recipients 'positions' needs at least one position")
        return self


class SendTiming(_Model):
    """ "as soon as possible" (inside the window) or at a specific local time."""

    mode: Literal["asap", "at_time"] = "asap"
    time: Annotated[LocalTime | None, Field(description="local send time, with mode at_time")] = None
    recipient_timezone: bool = Field(default=False, description="use the customer's timezone instead of the tenant's")

    @model_validator(mode="after")
    def _time_given(self) -> SendTiming:
        if (self.mode == "at_time") != (self.time is not None):
            raise ValueError("mode 'at_time' needs a time, and only it takes one")
        return self


class SendEmail(_Linear):
    type: Literal["send_email"]
    template: str = Field(min_length=1)
    recipients: Recipients = Recipients()
    send: SendTiming = SendTiming()
    attach_invoices: bool = False


class SendSms(_Linear):
    type: Literal["send_sms"]
    template: str = Field(min_length=1)
    recipients: Recipients = Recipients(to="primary")
    send: SendTiming = SendTiming()


class CreateTask(_Linear):
    type: Literal["task"]
    title: str = Field(min_length=1)
    assignee: str = Field(default="account_owner", description="'account_owner' or a user id")
    due_in_days: int = Field(default=0, ge=0, le=365)
    wait_for_completion: bool = False


class WaitUntil(_Model):
    """Wait until a moment: the next given local time, optionally on a weekday or a day of the month, or a
    number of days from one of the record's dates (e.g. 3 days after the invoice's due date)."""

    time: LocalTime = dt.time(9, 0)
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] | None = None
    day_of_month: int | None = Field(default=None, ge=1, le=31)
    relative_to: Literal["invoice.date_due", "invoice.date", "promise_to_pay.promised_date"] | None = None
    offset_days: int = Field(default=0, ge=-365, le=365)

    @model_validator(mode="after")
    def _one_anchor(self) -> WaitUntil:
        anchors = [a for a in (self.weekday, self.day_of_month, self.relative_to) if a is not None]
        if len(anchors) > 1:
            raise ValueError("wait 'until' takes one of weekday, day_of_month or relative_to")
        if self.offset_days and self.relative_to is None:
            raise ValueError("offset_days goes with relative_to")
        return self


class Wait(_Linear):
    type: Literal["wait"]
    days: int | None = Field(default=None, ge=1, le=3650, description="calendar days")
    business_days: int | None = Field(default=None, ge=1, le=2000)
    hours: int | None = Field(default=None, ge=1, le=720)
    until: WaitUntil | None = None

    @model_validator(mode="after")
    def _one_duration(self) -> Wait:
        given = [k for k in ("days", "business_days", "hours", "until") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a wait takes exactly one of days, business_days, hours or until")
        return self


class Branch(_Node):
    """If/else: every condition holds → ``yes``, else ``no``; both paths may rejoin later."""

    type: Literal["branch"]
    filters: tuple[Condition, ...] = Field(min_length=1)
    yes: NodeId
    no: NodeId


class AddTag(_Model):
    do: Literal["add_tag", "remove_tag"]
    tag: Tag


class Portfolio(_Model):
    do: Literal["assign_portfolio", "remove_portfolio"]
    portfolio: str = Field(min_length=1)


class AssignOwner(_Model):
    do: Literal["assign_owner"]
    user: str = Field(min_length=1)


class SetStrikeLevel(_Model):
    do: Literal["set_strike_level"]
    level: int = Field(ge=0, le=10)


class PauseChasing(_Model):
    do: Literal["pause_chasing"]
    days: int | None = Field(default=None, ge=1, le=365, description="pause for N days; neither = indefinitely")
    until: dt.date | None = None
    note: str = ""


class ResumeChasing(_Model):
    do: Literal["resume_chasing"]


class SetAutoCharge(_Model):
    do: Literal["set_auto_charge"]
    enabled: bool


class UpdateErpField(_Model):
    """Emitted as an event for the ERP connector; the record of the workflow's level is the one updated."""

    do: Literal["update_erp_field"]
    field: str = Field(min_length=1)
    value: str | int | bool | None


ActionSpec = Annotated[
    AddTag | Portfolio | AssignOwner | SetStrikeLevel | PauseChasing | ResumeChasing | SetAutoCharge | UpdateErpField,
    Field(discriminator="do"),
]


class Action(_Linear):
    type: Literal["action"]
    action: ActionSpec


class End(_Node):
    type: Literal["end"]


Node = Annotated[
    SendEmail | SendSms | CreateTask | Wait | Branch | Action | End,
    Field(discriminator="type"),
]
ACTING_NODES = (SendEmail, SendSms, CreateTask, Action)
MESSAGE_NODES = (SendEmail, SendSms)


def successors(node: Node, following: str | None) -> list[str]:
    """The nodes reachable in one step; ``following`` is the next node in the list (the default ``next``)."""
    if isinstance(node, Branch):
        return [node.yes, node.no]
    if isinstance(node, End):
        return []
    target = node.next or following
    return [target] if target else []
