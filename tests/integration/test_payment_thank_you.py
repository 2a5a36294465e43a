"""A payment-level run's email is about its payment: the example thank-you workflow and template, end to end."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from functions import wiring
from shared.domain.ledger.models import Payment
from shared.domain.templates import TemplateSettings, load_template_text
from shared.domain.workflow.loading import load_workflow_text
from tests.integration.conftest import wait_for
from tests.integration.test_email_exactly_once import sent_messages
from tests.integration.test_runtime_flow import publish, seed, tick

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_example_thank_you_names_the_payment_it_thanks_for(stack, clock):
    # GIVEN the example payment-thank-you workflow, template and users (Alice owns the account), and a payment of
    # 100 registered on 4 November
    seed()
    rt = wiring.runtime()
    settings = TemplateSettings.model_validate_json((EXAMPLES / "templates" / "settings.json").read_text())
    rt.templates.put_settings("acme-uk", settings)
    owned = rt.ledger.view("acme-uk", "cus-1").customer.model_copy(update={"account_owner_id": "usr-alice"})
    rt.ledger.put(owned, force=True)
    rt.workflows.save("acme-uk", load_workflow_text((EXAMPLES / "workflows" / "payment-thank-you.yaml").read_text()))
    template = (EXAMPLES / "templates" / "payment-thank-you.yaml").read_text()
    rt.templates.save("acme-uk", load_template_text(template))
    rt.ledger.put(
        Payment(
            tenant_id="acme-uk",
            id="pay-1",
            customer_id="cus-1",
            reference="BACS 4471",
            currency="GBP",
            amount=Decimal(100),
            paid_on=date(2026, 11, 4),
        )
    )
    clock.set(clock.now().replace(day=4, hour=10))
    # WHEN the PaymentRegistered event arrives within the run hours
    publish(stack, "payment_registered")
    tick(stack)
    # THEN one email thanks for that payment, by amount and reference
    wait_for(lambda: len(sent_messages()) == 1)
    (message,) = sent_messages()
    assert "100" in message.subject and "BACS 4471" in message.body and "Alice Martin" in message.body
