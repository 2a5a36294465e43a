"""A UK tenant's ledger history: customers, contacts, invoices and money (the example ledger and the demo's data).

Deterministic (``random.Random(seed)``): ``generate(40, date(2026, 11, 2))`` is ``examples/ledger/`` (see
``examples/generate_ledger.py``), and the demo generates a bigger one up to the end of its simulated period. Every
invoice balance is its amount less the allocations applied to it; no date lies after ``as_of`` but due dates and
active promises' dates.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

TENANT = {"tenant_id": "acme-uk", "timezone": "Europe/London", "country": "GB", "currency": "GBP", "locale": "en_GB"}
KINDS = ("customers", "contacts", "invoices", "credit_notes", "payments", "promises_to_pay", "communications")
CENT, ZERO = Decimal("0.01"), Decimal("0.00")

# country: currency, timezone, language, legal suffix, phone prefix + random digits, payment rail, cities.
# GB phones use Ofcom's drama range and US ones 555-01xx, so no real number is generated.
MARKETS: dict[str, tuple[str, str, str, str, str, int, str, tuple[str, ...]]] = {
    "GB": ("GBP", "Europe/London", "en", "Ltd", "+447700900", 3, "BACS", ("London", "Manchester", "Leeds", "Bristol")),
    "IE": ("EUR", "Europe/Dublin", "en", "Ltd", "+35385", 7, "SEPA", ("Dublin", "Cork")),
    "FR": ("EUR", "Europe/Paris", "fr", "SAS", "+336", 8, "SEPA", ("Paris", "Lyon")),
    "DE": ("EUR", "Europe/Berlin", "de", "GmbH", "+49151", 8, "SEPA", ("Berlin", "Munich", "Hamburg")),
    "US": ("USD", "America/New_York", "en", "Inc.", "+121255501", 2, "ACH", ("New York", "Boston")),
}
MARKET_WEIGHTS = (50, 10, 12, 13, 15)  # a UK tenant sells mostly at home
# Early payers pay before the due date, late ones in weekly Friday payment runs (one payment for several invoices)
# weeks after it, partial payers part of it (sometimes the rest later), never payers nothing at all.
PROFILES, PROFILE_WEIGHTS = ("early", "late", "partial", "never"), (30, 40, 18, 12)
RATINGS = {"early": "A", "late": "B", "partial": "C", "never": "C"}
POSITIONS = ("Accounts Payable", "CFO", "Billing Contact")
OWNERS = ("usr-alice", "usr-bilal", "usr-chloe")
BRANDS: tuple[str, ...] = (
    "Northwind",
    "Bluebird",
    "Harbour",
    "Granite",
    "Summit",
    "Riverside",
    "Oakridge",
    "Silverline",
    "Kestrel",
)
BRANDS += ("Meridian", "Beacon", "Ironbridge", "Larkspur", "Foxglove", "Hawthorn", "Copperleaf", "Tidewater", "Alder")
TRADES: tuple[str, ...] = (
    "Logistics",
    "Foods",
    "Engineering",
    "Retail",
    "Systems",
    "Interiors",
    "Pharma",
    "Print",
    "Analytics",
)
TRADES += ("Textiles", "Builders", "Labs", "Motors", "Packaging", "Hospitality", "Energy", "Media")
FIRST = ("Amelia", "Oliver", "Siobhan", "Liam", "Camille", "Hugo", "Lena", "Jonas", "Emily", "Marcus", "Priya", "Tom")
LAST = ("Walsh", "Murphy", "Dubois", "Martin", "Schmidt", "Weber", "Smith", "Patel", "Jones", "Keller", "Byrne")
REPLIES = (  # received replies to a reminder; those mentioning a dispute put the invoice in dispute
    "Hi, we dispute this invoice: the wrong amount was charged, the PO was for 40 units. Please send a credit note.",
    "We dispute the delivery charge on this invoice. Can someone call me?",
    "Thanks for the reminder, the payment is scheduled for our next payment run.",
    "Could you send a copy of the invoice? We cannot find it in our system.",
)


def _day(d: date, days: int) -> date:
    return d + timedelta(days=days)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) * CENT).quantize(CENT)


class _Builder:
    def __init__(self, rng: random.Random, as_of: date) -> None:
        self.rng, self.as_of = rng, as_of
        self.out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
        self.payments: dict[tuple[str, date], dict[str, Any]] = {}  # one payment per customer and day
        self.profile: dict[str, str] = {}

    def customer(self, n: int, brand: str, trade: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        country = rng.choices(list(MARKETS), MARKET_WEIGHTS)[0]
        currency, zone, language, suffix, phone, digits, _, cities = MARKETS[country]
        cid, slug = f"cus-{n:03d}", f"{brand}-{trade}".lower()
        self.profile[cid] = profile = rng.choices(PROFILES, PROFILE_WEIGHTS)[0]
        tags = [{"category": "Location tags", "name": rng.choice(cities)}] if rng.random() < 0.6 else []
        if rng.random() < 0.35:  # billed on one monthly statement: chased by the consolidated customer-dunning
            tags.append({"category": "Consolidated billing", "name": "Monthly statement"})
        customer: dict[str, Any] = {
            "id": cid, "source_id": f"NS-{10000 + n}", "reference": f"CUST-{n:04d}",
            "name": f"{brand} {trade} {suffix}", "country": country, "currency": currency, "language": language,
            "timezone": zone, "tags": tags, "account_owner_id": OWNERS[n % len(OWNERS)],
            "portfolio_ids": ["pf-uk" if country == "GB" else "pf-export"], "rating": RATINGS[profile],
            "strike_level": {"never": 2, "partial": 1}.get(profile, 0),
            "credit_limit": Decimal(rng.randint(10, 100) * 1000).quantize(CENT) if rng.random() < 0.5 else None,
        }  # fmt: skip
        if rng.random() < 0.04:  # paused by a person, indefinitely (no end date)
            customer["chasing_pause"] = {"until": None, "note": "Disputed PO — wait for the account owner"}
        contacts = []
        for k, position in enumerate(rng.sample(POSITIONS, rng.choices((1, 2, 3), (40, 40, 20))[0])):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            number = phone + "".join(rng.choice("0123456789") for _ in range(digits))
            contacts.append({
                "id": f"con-{n:03d}-{k + 1}", "customer_id": cid, "name": f"{first} {last}",
                "email": f"{first}.{last}@{slug}.example".lower(), "phone": number if rng.random() < 0.6 else None,
                "positions": [position], "is_primary": k == 0,
                "is_active": k == 0 or rng.random() > 0.15,  # a few former colleagues, never the primary
                "deliverability": "BOUNCE" if rng.random() < 0.06 else "OK",
            })  # fmt: skip
        return customer, contacts

    def invoices(self, customer: dict[str, Any], contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rng, cid = self.rng, customer["id"]
        terms = rng.choice((30, 30, 30, 60))  # net-30 is the common case
        typical = rng.choice((300, 900, 2500, 7000))  # each customer buys at its own scale
        ap = [c for c in contacts if "Accounts Payable" in c["positions"] and c["is_active"]]
        issued = sorted(_day(self.as_of, -rng.randint(0, 270)) for _ in range(rng.randint(5, 25)))
        customer["created_on"] = _day(issued[0], -rng.randint(10, 400))
        customer["source_created_on"] = _day(customer["created_on"], -rng.randint(0, 900))
        return [
            {"id": None, "number": None, "customer_id": cid, "currency": customer["currency"], "issued_on": d,
             "due_on": _day(d, terms), "amount": _money(rng, typical // 3, typical * 2),
             "contact_id": (ap or contacts)[0]["id"], "pdf_available": rng.random() > 0.03}
            for d in issued
        ]  # fmt: skip

    def settle(self, invoice: dict[str, Any]) -> None:
        """Apply credit notes and payments up to ``as_of``; set balance, status and paid_on from them."""
        rng, as_of, profile = self.rng, self.as_of, self.profile[invoice["customer_id"]]
        balance, applied = invoice["amount"], []
        credited = _day(invoice["issued_on"], rng.randint(2, 15))
        if rng.random() < 0.03 and credited <= as_of:  # a few credit notes (returns, price corrections)
            amount = (balance * Decimal(rng.randint(5, 25)) / 100).quantize(CENT)
            allocated = rng.random() < 0.6  # the rest stay unapplied: credit on the customer's account
            n = len(self.out["credit_notes"]) + 1
            self.out["credit_notes"].append({
                "id": f"cn-{n:04d}", "reference": f"CN-{2000 + n}", "customer_id": invoice["customer_id"],
                "currency": invoice["currency"], "amount": amount, "amount_remaining": ZERO if allocated else amount,
                "issued_on": credited, "status": "applied" if allocated else "unapplied",
                "allocations": [{"invoice_id": invoice["id"], "amount": amount}] if allocated else [],
            })  # fmt: skip
            if allocated:
                balance -= amount
                applied.append(credited)
        due, plan = invoice["due_on"], []
        if profile == "early" and rng.random() < 0.97:
            plan = [(max(_day(invoice["issued_on"], 1), _day(due, -rng.randint(0, 12))), Decimal(1))]
        elif profile == "late" and rng.random() < 0.92:
            late = _day(due, rng.randint(3, 60))
            plan = [(_day(late, (4 - late.weekday()) % 7), Decimal(1))]
        elif profile == "partial":
            first = _day(due, rng.randint(0, 30))
            plan = [(first, Decimal(rng.randint(30, 70)) / 100)]
            if rng.random() < 0.4:
                plan.append((_day(first, rng.randint(20, 50)), Decimal(1)))
        for day, share in plan:
            if day > as_of:
                break
            paid = balance if share == 1 else (balance * share).quantize(CENT)
            key = (invoice["customer_id"], day)
            if key not in self.payments:  # an occasional overpayment stays unallocated on the payment
                extra = _money(rng, 5, 200) if rng.random() < 0.04 else ZERO
                self.payments[key] = {
                    "id": None, "reference": None, "customer_id": invoice["customer_id"], "source": "bank",
                    "currency": invoice["currency"], "amount": extra, "amount_remaining": extra, "paid_on": day,
                    "status": "paid", "overpayment": extra, "allocations": [],
                }  # fmt: skip
            self.payments[key]["amount"] += paid
            self.payments[key]["allocations"].append({"invoice_id": invoice["id"], "amount": paid})
            balance -= paid
            applied.append(day)
        invoice["balance"] = balance
        invoice["status"] = "paid" if balance == 0 else "partially_paid" if balance < invoice["amount"] else "open"
        invoice["paid_on"] = max(applied) if balance == 0 else None

    def promise(self, cid: str, invoices: list[dict[str, Any]]) -> None:
        """A few promises to pay: active (promised date ahead), broken (date passed, unpaid) or completed."""
        rng, as_of = self.rng, self.as_of
        overdue = [i for i in invoices if i["balance"] > 0 and i["due_on"] < as_of and i["status"] != "dispute"]
        paid_late = [i for i in invoices if i["paid_on"] and i["paid_on"] > i["due_on"]]
        wanted = ("active", "broken", "completed")[len(self.out["promises_to_pay"]) % 3]  # a mix of all three
        if rng.random() > 0.3:
            return
        if overdue and wanted == "active":
            chosen, status, promised = overdue[: rng.randint(1, 2)], "active", _day(as_of, rng.randint(3, 21))
        elif overdue and wanted == "broken":
            chosen, status, promised = overdue[:1], "broken", _day(as_of, -rng.randint(5, 30))
        elif paid_late:
            chosen, status = paid_late[-1:], "completed"
            promised = chosen[0]["paid_on"]
        else:
            return
        created = min(_day(promised, -rng.randint(5, 12)), _day(as_of, -1))
        self.out["promises_to_pay"].append({
            "id": f"ptp-{len(self.out['promises_to_pay']) + 1:03d}", "customer_id": cid,
            "invoice_ids": [i["id"] for i in chosen], "promised_on": promised, "status": status,
            "amount": sum((i["amount"] if status == "completed" else i["balance"] for i in chosen), ZERO),
            "created_at": f"{created}T10:15:00Z", "comment": f"Customer will pay on {promised:%d %b %Y}",
        })  # fmt: skip

    def messages(
        self, customer: dict[str, Any], invoices: list[dict[str, Any]], contacts: dict[str, dict[str, Any]]
    ) -> None:
        """Sent reminders on overdue invoices (bounced to BOUNCE contacts) and some replies to them."""
        rng, as_of, last = self.rng, self.as_of, None
        # sent by the example workflow that chases this customer: consolidated dunning or invoice reminders
        consolidated = any(t["category"] == "Consolidated billing" for t in customer["tags"])
        by = ("customer-dunning", "overdue-friendly") if consolidated else ("invoice-reminders", "overdue-1")
        for invoice in invoices:
            if invoice["balance"] == 0 or (as_of - invoice["due_on"]).days < 3 or rng.random() > 0.4:
                continue
            to = contacts[invoice["contact_id"]]
            at = _day(invoice["due_on"], rng.randint(1, min(20, (as_of - invoice["due_on"]).days - 1)))
            bounced = to["deliverability"] == "BOUNCE"
            self.message(invoice, to, f"{at}T09:00:00Z", "bounced" if bounced else "delivered", by)
            last = None if bounced else (invoice, to, at)
        if last and rng.random() < 0.45:
            invoice, to, at = last
            body = rng.choice(REPLIES)
            reply_on = min(_day(at, rng.randint(0, 3)), _day(as_of, -1))
            self.message(invoice, to, f"{reply_on}T14:32:00Z", "received", by, body)
            if "dispute" in body and invoice["status"] in ("open", "partially_paid"):
                invoice["status"] = "dispute"

    def message(
        self, inv: dict[str, Any], to: dict[str, Any], at: str, status: str, by: tuple[str, str], reply: str = ""
    ) -> None:
        """A message about ``inv``; ``by``: the workflow and template that sent it (a reply names neither)."""
        sent = not reply
        self.out["communications"].append({
            "id": f"com-{len(self.out['communications']) + 1:04d}", "customer_id": inv["customer_id"],
            "direction": "sent" if sent else "received", "channel": "email", "at": at, "status": status,
            "contact_ids": [to["id"]], "addresses": [to["email"]], "invoice_ids": [inv["id"]],
            "subject": f"{'' if sent else 'Re: '}Overdue invoice {inv['number']}",
            "body_text": f"Invoice {inv['number']} is now overdue." if sent else reply,
            "from_name": None if sent else to["name"], "automated": sent, "workflow_id": by[0] if sent else None,
            "template_id": by[1] if sent else None,
            "reason": "550 5.1.1 mailbox unavailable" if status == "bounced" else None,
        })  # fmt: skip


def generate(customers: int, as_of: date, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """The example ledger as JSON-ready records per kind (``customers``, ``invoices`` …), without the tenant."""
    rng = random.Random(seed)
    b = _Builder(rng, as_of)
    names = [(brand, trade) for brand in BRANDS for trade in TRADES]
    rng.shuffle(names)
    contacts_of, invoices_of, invoices = {}, {}, []
    for n in range(1, customers + 1):
        brand, trade = names[(n - 1) % len(names)]
        customer, contacts = b.customer(n, brand, trade if n <= len(names) else f"{trade} {n}")
        b.out["customers"].append(customer)
        b.out["contacts"] += contacts
        contacts_of[customer["id"]] = {c["id"]: c for c in contacts}
        invoices_of[customer["id"]] = b.invoices(customer, contacts)  # in issue order
        invoices += invoices_of[customer["id"]]
    invoices.sort(key=lambda i: (i["issued_on"], i["customer_id"]))  # numbers follow the issue dates
    for k, invoice in enumerate(invoices, start=1):
        invoice["id"], invoice["number"] = f"inv-{k:05d}", f"INV-{10000 + k}"
    for customer in b.out["customers"]:
        own = invoices_of[customer["id"]]
        for invoice in own:
            b.settle(invoice)
        b.messages(customer, own, contacts_of[customer["id"]])
        b.promise(customer["id"], own)
    country_of = {c["id"]: c["country"] for c in b.out["customers"]}
    payments = sorted(b.payments.values(), key=lambda p: (p["paid_on"], p["customer_id"]))
    for k, payment in enumerate(payments, start=1):
        rail = MARKETS[country_of[payment["customer_id"]]][6]
        payment |= {"id": f"pay-{k:05d}", "reference": f"{rail}-{700000 + k}"}
    b.out["invoices"], b.out["payments"] = invoices, payments
    # Decimals (all quantised to cents) and dates become text, as in the files.
    data: dict[str, list[dict[str, Any]]] = json.loads(json.dumps(b.out, default=str))
    return data
