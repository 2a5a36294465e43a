"""The deployed tables are the platform's tables: keys, indexes, TTL, on demand, PITR, deletion protection."""

import pytest

from shared.platform.tables import TABLES
from tests.infra.conftest import STAGE, properties, resources


def _table(template, key):
    (found,) = [
        r
        for r in resources(template, "AWS::DynamoDB::Table").values()
        if r["Properties"]["TableName"] == f"chaseflow-{STAGE}-{key}"
    ]
    return found


@pytest.mark.parametrize("spec", TABLES, ids=lambda t: t.key)
def test_keys_and_indexes_equal_the_platform_facts(template, spec):
    # GIVEN the platform's table and what the local runtime creates from it
    expected = spec.create_table_request(f"chaseflow-{STAGE}-{spec.key}")
    # WHEN the synthesized table is read
    table = _table(template, spec.key)["Properties"]
    # THEN keys, attribute types and indexes (all projected) are the same
    assert table["KeySchema"] == expected["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(expected["AttributeDefinitions"], key=str)
    assert sorted(table.get("GlobalSecondaryIndexes", []), key=str) == sorted(
        expected.get("GlobalSecondaryIndexes", []), key=str
    )
    assert table["BillingMode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize("spec", TABLES, ids=lambda t: t.key)
def test_every_table_has_point_in_time_recovery_and_the_platform_ttl(template, spec):
    # GIVEN a platform table
    # WHEN its synthesized properties are read
    table = _table(template, spec.key)["Properties"]
    # THEN PITR is on and TTL is on the platform's attribute (or off where the platform has none)
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    ttl = table.get("TimeToLiveSpecification")
    assert (ttl == {"AttributeName": spec.ttl_attribute, "Enabled": True}) if spec.ttl_attribute else ttl is None


def test_production_data_tables_are_protected_and_retained(template):
    # GIVEN the production stage's tables
    for spec in TABLES:
        # WHEN each one's protection is read
        table = _table(template, spec.key)
        # THEN business data cannot be deleted by a stack update or deletion
        assert table["Properties"].get("DeletionProtectionEnabled", False) is spec.data
        assert table["DeletionPolicy"] == "Retain"


def test_no_other_tables_than_the_platform_ones(template):
    # GIVEN the synthesized tables
    names = {p["TableName"] for p in properties(template, "AWS::DynamoDB::Table").values()}
    # THEN they are exactly the platform's
    assert names == {f"chaseflow-{STAGE}-{t.key}" for t in TABLES}
