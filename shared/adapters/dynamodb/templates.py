"""Message templates per tenant on the core table: pk ``T#{tenant}#TPL#{id}``, sk ``V#{version}`` and ``CURRENT``;
the tenant's template settings (links, users) at pk ``T#{tenant}``, sk ``TEMPLATE_SETTINGS``."""

from __future__ import annotations

from shared.adapters.dynamodb.cache import TEMPLATES
from shared.adapters.dynamodb.client import table
from shared.domain.templates import Template, TemplateSettings, sample_context, validate_template


class TemplateRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table(table_name)

    def save(self, tenant_id: str, template: Template) -> Template:
        """Validate against a sample (a missing field fails here, never in an inbox), then store a new version."""
        validate_template(template, sample_context())
        current = self.get(tenant_id, template.id)
        stored = template.model_copy(update={"version": (current.version + 1) if current else 1})
        body = stored.model_dump_json()
        pk = f"T#{tenant_id}#TPL#{stored.id}"
        self._table.put_item(Item={"pk": pk, "sk": f"V#{stored.version:06d}", "body": body})
        self._table.put_item(Item={"pk": pk, "sk": "CURRENT", "body": body})
        TEMPLATES.forget((self._table.name, tenant_id, "template", stored.id))
        return stored

    def get(self, tenant_id: str, template_id: str) -> Template | None:
        def load() -> Template | None:
            item = self._table.get_item(Key={"pk": f"T#{tenant_id}#TPL#{template_id}", "sk": "CURRENT"}).get("Item")
            return None if item is None else Template.model_validate_json(item["body"])

        return TEMPLATES.get((self._table.name, tenant_id, "template", template_id), load)

    def settings(self, tenant_id: str) -> TemplateSettings:
        def load() -> TemplateSettings:
            item = self._table.get_item(Key={"pk": f"T#{tenant_id}", "sk": "TEMPLATE_SETTINGS"}).get("Item")
            return TemplateSettings() if item is None else TemplateSettings.model_validate_json(item["body"])

        found = TEMPLATES.get((self._table.name, tenant_id, "settings"), load)
        assert found is not None  # load never returns None
        return found

    def put_settings(self, tenant_id: str, settings: TemplateSettings) -> None:
        self._table.put_item(
            Item={"pk": f"T#{tenant_id}", "sk": "TEMPLATE_SETTINGS", "body": settings.model_dump_json()}
        )
        TEMPLATES.forget((self._table.name, tenant_id, "settings"))
