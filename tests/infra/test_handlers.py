"""Every function's handler string imports to a callable (the X-Ray SDK opens a socket on import: not a unit
test)."""

import importlib

import pytest

from shared.platform.functions import FUNCTIONS


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda f: f.key)
def test_every_handler_string_imports_to_a_callable(spec):
    # GIVEN a function's handler string
    module, _, attribute = spec.handler.rpartition(".")
    # WHEN it is imported
    handler = getattr(importlib.import_module(module), attribute)
    # THEN it is callable
    assert callable(handler)
