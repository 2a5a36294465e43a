"""Use cases: the domain's decisions carried out through the ports. Handlers call exactly one of these."""
