"""Simulations on the local stack: the demo and ``chaseflow simulate`` replay a ledger's history day by day through
the signed webhook, with the scheduler ticking on a virtual clock, the real handlers and the real state machine on
moto. Nothing leaves the machine."""
