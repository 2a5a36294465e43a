"""The pure heart of Chaseflow: ledger, workflow language, filters, calendars, the step evaluator, lints.

Nothing here performs I/O, reads the environment or imports boto3 (ruff TID251 enforces it).
"""
