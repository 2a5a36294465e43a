"""Every function's handler string imports to a callable (the X-Ray SDK opens a socket on import: not a unit
test)."""

import importlib
import subprocess
import sys

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


def test_handlers_import_without_the_packages_lambda_does_not_have():
    # GIVEN a Python that refuses to import what is neither in the layers nor in the Lambda runtime
    blocked = ["moto", "aws_cdk", "constructs", "cdk_nag", "cfnlint", "click", "werkzeug", "pytest", "hypothesis"]
    modules = sorted({spec.handler.rsplit(".", 1)[0] for spec in FUNCTIONS})
    script = (
        "import importlib, sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {blocked!r}:\n"
        "            raise ImportError(f'{name} is not available in Lambda')\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for module in {modules!r}:\n"
        "    importlib.import_module(module)\n"
    )
    # WHEN every handler module is imported there THEN none needs them
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
