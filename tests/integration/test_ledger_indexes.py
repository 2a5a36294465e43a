"""The ledger mirror's customer indexes: the sweep lists a tenant's customers and a group's members by Query,
never by scanning the table."""

from functions import wiring
from shared.domain.ledger.models import Customer


def customer(tenant: str, customer_id: str, parent: str | None = None) -> Customer:
    return Customer(
        tenant_id=tenant, id=customer_id, name=customer_id, currency="GBP", country="GB", parent_customer_id=parent
    )


def test_customer_ids_and_members_come_from_the_indexes_of_that_tenant_only(stack):
    # GIVEN 45 customers of one tenant (a group of 3 among them) and 5 of another
    ledger = wiring.runtime().ledger
    for n in range(45):
        ledger.put(customer("acme-uk", f"cus-{n:02d}", parent="cus-00" if n in (1, 2, 3) else None))
    for n in range(5):
        ledger.put(customer("other", f"cus-{n:02d}"))
    # WHEN the sweep lists the tenant's customers and a group's members
    ids, members = ledger.customer_ids("acme-uk"), ledger.children("acme-uk", "cus-00")
    # THEN each tenant sees its own, in order, and a member that leaves its group leaves the index
    assert ids == [f"cus-{n:02d}" for n in range(45)]
    assert members == ["cus-01", "cus-02", "cus-03"]
    assert ledger.customer_ids("other") == [f"cus-{n:02d}" for n in range(5)]
    ledger.put(customer("acme-uk", "cus-02").model_copy(update={"updated_at": None}), force=True)
    assert ledger.children("acme-uk", "cus-00") == ["cus-01", "cus-03"]


def test_listing_customers_queries_and_never_scans(stack):
    # GIVEN a tenant with customers, and every DynamoDB call counted
    ledger = wiring.runtime().ledger
    for n in range(3):
        ledger.put(customer("acme-uk", f"cus-{n}"))
    operations: list[str] = []
    client = ledger._table.meta.client
    client.meta.events.register("before-call.dynamodb", lambda model, **_: operations.append(model.name))
    # WHEN the customers are listed
    ledger.customer_ids("acme-uk")
    # THEN it is one Query per index shard and no Scan
    assert operations == ["Query"] * 8
