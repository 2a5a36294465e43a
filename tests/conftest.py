"""Test-wide settings: hypothesis runs derandomized so every run of the suite is the same run."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "chaseflow", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("chaseflow")
