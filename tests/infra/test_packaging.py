"""Tested equals deployed: the dependencies layer holds every runtime dependency at the lock's version, which is
the version the tests import; it is built for the tests' Python on arm64; the functions run that Python with that
one layer, and no AWS-managed layer."""

import importlib.metadata
import json
import re
import sys
import tomllib

import pytest

from infra.app_factory import ROOT
from infra.assets import folder_assets, unzipped_bytes
from infra.packaging import (
    COMMAND_LINE_ONLY,
    UNZIPPED_LIMIT_BYTES,
    build_dependencies,
    layer_description,
    locked_requirements,
    pins,
)
from shared.platform.functions import LAMBDA_RUNTIME, PYTHON_VERSION
from tests.infra.conftest import functions_by_key, properties, resources

TESTS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_closure() -> dict[str, str]:
    """Read from uv.lock here, independently of infra.packaging: name → version of every package the project's
    dependencies need (extras included), without the command line's."""
    packages = {p["name"]: p for p in LOCK["package"]}
    (project,) = [p for p in LOCK["package"] if p["name"] == PYPROJECT["project"]["name"]]
    pending = [(d["name"], d.get("extra", [])) for d in project["dependencies"] if d["name"] not in COMMAND_LINE_ONLY]
    closure: dict[str, str] = {}
    while pending:
        name, extras = pending.pop()
        package = packages[name]
        closure[name] = package["version"]
        dependencies = list(package.get("dependencies", []))
        for extra in extras:
            dependencies += package["optional-dependencies"][extra]
        pending += [(d["name"], d.get("extra", [])) for d in dependencies]
    return closure


@pytest.fixture(scope="module")
def layer_pins():
    return pins(locked_requirements())


@pytest.fixture(scope="module")
def installed_layer():
    # installed from .cache/lambda-deps after the first time (PyPI the first time, as for a synth)
    return build_dependencies(locked_requirements())


def test_the_layer_holds_every_runtime_dependency_at_the_locked_version(layer_pins):
    # GIVEN the lock's runtime closure, read here straight from uv.lock
    closure = _runtime_closure()
    # THEN the layer's requirements are exactly that closure, version for version
    assert layer_pins == closure
    # AND what used to come from elsewhere (the managed Powertools layer, the Lambda image's SDK) is among them
    for package in ("aws-lambda-powertools", "pydantic", "pydantic-core", "aws-xray-sdk", "boto3", "botocore"):
        assert layer_pins[package] == closure[package], package
    assert not COMMAND_LINE_ONLY & set(layer_pins)


def test_the_layer_holds_the_versions_the_tests_run(layer_pins):
    # GIVEN the distributions installed in the environment running these tests
    # THEN each package the Lambdas get is the very version the tests imported
    different = {
        name: (version, importlib.metadata.version(name))
        for name, version in layer_pins.items()
        if importlib.metadata.version(name) != version
    }
    assert different == {}


def test_every_requirement_is_pinned_to_the_lock_hashes():
    # GIVEN the requirements the layer is installed from
    requirements = locked_requirements()
    # THEN every package carries the lock's hashes, so a wheel that is not the locked one is refused
    entries = re.split(r"\n(?=\S)", requirements.strip())  # one entry per package, hashes on continuation lines
    assert len(entries) == len(pins(requirements))
    assert all("--hash=sha256:" in entry for entry in entries), entries


def test_the_built_layer_is_the_locked_packages_for_the_tests_python_on_arm64(installed_layer, layer_pins):
    # GIVEN the installed layer
    # WHEN its distributions are read from their metadata
    installed = {
        _normalise(d.metadata["Name"]): d.version for d in importlib.metadata.distributions(path=[str(installed_layer)])
    }
    # THEN they are the locked packages, nothing more
    assert installed == layer_pins
    # AND compiled extensions are the aarch64 builds for the tests' CPython
    extensions = [p.name for p in installed_layer.rglob("*.so")]
    assert extensions
    abi = f"cpython-{TESTS_PYTHON.replace('.', '')}-aarch64-linux-gnu"
    assert all(abi in name or ".abi3." in name for name in extensions), extensions


def test_code_and_layer_fit_in_lambdas_unzipped_limit(installed_layer, template_path):
    # GIVEN the code asset of the session's assembly and the installed layer
    (code,) = [p for p in folder_assets(template_path.parent).values() if (p / "functions").is_dir()]
    # WHEN both are measured
    total = unzipped_bytes(code) + unzipped_bytes(installed_layer)
    # THEN a function with its one layer stays under 250 MB unzipped
    assert total < UNZIPPED_LIMIT_BYTES


def test_every_function_runs_the_tests_python_with_the_dependencies_layer_only(template):
    # GIVEN the functions and the one layer of the stack
    (layer_id, layer), *others = properties(template, "AWS::Lambda::LayerVersion").items()
    assert others == []
    for _, fn in functions_by_key(template).values():
        # THEN each runs the Python running these tests, with our layer and no other
        assert fn["Runtime"] == f"python{TESTS_PYTHON}" == LAMBDA_RUNTIME
        assert fn["Layers"] == [{"Ref": layer_id}]
    assert layer["CompatibleRuntimes"] == [LAMBDA_RUNTIME]
    assert layer["CompatibleArchitectures"] == ["arm64"]
    assert len(layer["Description"]) <= 256  # Lambda's limit


def test_no_aws_managed_powertools_layer_anywhere(template):
    # GIVEN the whole template
    text = json.dumps(template)
    # THEN no managed layer is referred to: not by name, not by the account AWS publishes it from
    assert "AWSLambdaPowertools" not in text
    assert "017000801446" not in text
    assert len(resources(template, "AWS::Lambda::LayerVersion")) == 1


def test_the_layer_description_names_the_versions_that_matter(layer_pins):
    # GIVEN the layer's description
    description = layer_description(locked_requirements())
    # THEN it names the runtime and the versions of Powertools, pydantic and boto3
    assert LAMBDA_RUNTIME in description
    for package in ("aws-lambda-powertools", "pydantic", "boto3"):
        assert f"{package}=={layer_pins[package]}" in description


def test_python_version_settings_agree_with_the_runtime():
    # GIVEN the interpreter running the tests and the project's Python settings
    requires = PYPROJECT["project"]["requires-python"]
    # THEN the platform's runtime is this interpreter, the lowest Python the project allows, and the version
    # ruff and mypy check the code for
    assert PYTHON_VERSION == TESTS_PYTHON
    assert requires == f">={PYTHON_VERSION}"
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py" + PYTHON_VERSION.replace(".", "")
    assert PYPROJECT["tool"]["mypy"]["python_version"] == PYTHON_VERSION


def test_no_other_python_version_is_written_anywhere_in_the_product():
    # GIVEN every module that is deployed or runs the emulator, the simulations, the CLI or the CDK app, but the
    # one that defines the runtime
    platform = ROOT / "shared" / "platform" / "functions.py"
    pattern = re.compile(r"python3\.\d+|PYTHON_3_\d+|cpython-3\d+|python3\d\d")
    packages = ("shared", "functions", "infra", "emulator", "simulation", "cli")
    found = {
        str(path.relative_to(ROOT)): pattern.findall(path.read_text(encoding="utf-8"))
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if path != platform and pattern.search(path.read_text(encoding="utf-8"))
    }
    # THEN none names a Python version: they all take shared.platform.functions.LAMBDA_RUNTIME
    assert found == {}
