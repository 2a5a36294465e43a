"""The ledger export `chaseflow simulate` reads: JSON or CSV per kind, and the optional simulation file."""

import json
from datetime import date
from decimal import Decimal

from cli.demo import read_ledger_export
from shared.domain.ledger.models import Invoice, Payment

TENANT = {"tenant_id": "acme-uk", "timezone": "Europe/London", "country": "GB", "currency": "GBP"}


def test_csv_files_are_read_with_json_cells_and_empty_cells_left_out(tmp_path):
    # GIVEN a tenant, customers in JSON, invoices and payments in CSV (allocations as JSON text), a bounce list
    (tmp_path / "tenant.json").write_text(json.dumps(TENANT))
    (tmp_path / "customers.json").write_text(json.dumps([{"id": "c1", "name": "Acme", "currency": "GBP"}]))
    (tmp_path / "invoices.csv").write_text(
        "id,customer_id,number,currency,amount,balance,issued_on,due_on,status,paid_on\n"
        "inv-1,c1,INV-1,GBP,100.00,0.00,2026-08-01,2026-08-31,paid,2026-09-02\n"
        "inv-2,c1,INV-2,GBP,50.00,50.00,2026-08-05,2026-09-04,open,\n"
    )
    (tmp_path / "payments.csv").write_text(
        "id,customer_id,currency,amount,paid_on,allocations\n"
        'pay-1,c1,GBP,100.00,2026-09-02,"[{""invoice_id"": ""inv-1"", ""amount"": ""100.00""}]"\n'
    )
    (tmp_path / "simulation.json").write_text(json.dumps({"bouncing_addresses": ["Nobody@Acme.example"]}))
    # WHEN the export is read
    tenant, ledger, bouncing = read_ledger_export(tmp_path)
    # THEN every record is typed as if it came from JSON, and the bouncing address is normalised
    invoices = {i.id: i for i in ledger.all(Invoice)}
    assert invoices["inv-1"].paid_on == date(2026, 9, 2) and invoices["inv-2"].paid_on is None
    (payment,) = ledger.all(Payment)
    assert isinstance(payment, Payment) and payment.allocations[0].amount == Decimal("100.00")
    assert (tenant.tenant_id, bouncing) == ("acme-uk", frozenset({"nobody@acme.example"}))
