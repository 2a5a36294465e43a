"""The ledger mirror's models, views and derived figures."""
