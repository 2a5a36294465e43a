"""Filters: the field catalogue, conditions, and their compilation into predicates."""
