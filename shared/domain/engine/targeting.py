"""The record a run is about, seen as a filter subject, and the invoices it targets."""

from __future__ import annotations

from datetime import date

from shared.domain.engine.compiled import compiled
from shared.domain.filters.subject import Subject
from shared.domain.ledger.models import Invoice
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.workflow.definition import Workflow


def subject_for(level: Level, record_id: str, view: CustomerLedger, today: date) -> Subject | None:
    """The subject for a record of ``level``; None when the ledger no longer holds the record."""
    if level in (Level.CUSTOMER, Level.CUSTOMER_GROUP):
        return Subject(today, view) if view.customer.id == record_id else None
    if level is Level.INVOICE:
        invoice = view.invoice(record_id)
        if invoice is None:
            return None
        contact = view.contact(invoice.contact_id) if invoice.contact_id else None
        return Subject(today, view, invoice=invoice, contact=contact)
    if level is Level.CONTACT:
        contact = view.contact(record_id)
        return None if contact is None else Subject(today, view, contact=contact)
    if level is Level.CREDIT_NOTE:
        note = next((c for c in view.all_credit_notes() if c.id == record_id), None)
        return None if note is None else Subject(today, view, credit_note=note)
    if level is Level.PAYMENT:
        payment = next((p for p in view.all_payments() if p.id == record_id), None)
        return None if payment is None else Subject(today, view, payment=payment)
    message = next((c for c in view.communications if c.id == record_id), None)
    if message is None:
        return None
    sender = next((c for c in view.contacts if c.email and c.email in message.addresses), None)
    return Subject(today, view, communication=message, contact=sender)


def candidate_invoices(level: Level, subject: Subject) -> list[Invoice]:
    """The unsettled invoices a run of this level can be about, before target filters."""
    if level is Level.INVOICE:
        return [subject.invoice] if subject.invoice and not subject.invoice.is_settled else []
    open_invoices = [i for i in subject.view.all_invoices() if not i.is_settled]
    if level is Level.CONTACT and subject.contact is not None:
        contact = subject.contact
        linked = set(contact.linked_invoice_ids)
        return [i for i in open_invoices if i.id in linked or i.contact_id == contact.id]
    if level in (Level.CUSTOMER, Level.CUSTOMER_GROUP):
        return open_invoices
    if level is Level.PAYMENT and subject.payment is not None:
        paid = {a.invoice_id for a in subject.payment.allocations}
        return [i for i in subject.view.all_invoices() if i.id in paid]
    if level is Level.CREDIT_NOTE and subject.credit_note is not None:
        credited = {a.invoice_id for a in subject.credit_note.allocations}
        return [i for i in subject.view.all_invoices() if i.id in credited]
    if level is Level.EMAIL and subject.communication is not None:
        named = set(subject.communication.invoice_ids)
        return [i for i in subject.view.all_invoices() if i.id in named]
    return []


def targeted_invoices(workflow: Workflow, subject: Subject) -> list[Invoice]:
    """Candidates that pass the trigger's ``target_invoices`` conditions (all of them when there are none)."""
    candidates = candidate_invoices(workflow.level, subject)
    matches = compiled(workflow).target_invoices
    if matches is None:
        return candidates
    return [i for i in candidates if matches(subject.focus(invoice=i))]


def has_targeted_payment(workflow: Workflow, subject: Subject) -> bool:
    matches = compiled(workflow).target_payments
    return matches is None or any(matches(subject.focus(payment=p)) for p in subject.view.all_payments())
