"""Forecast (dry-run) and backtest: the engine on a virtual clock, sending nothing."""
