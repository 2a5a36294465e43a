"""Event contracts on the custom bus: a public API for ERPs' connectors and other teams' consumers."""
