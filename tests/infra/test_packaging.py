"""The Lambda code asset holds the handlers' code only; the dependencies layer holds every runtime dependency not
provided by Lambda or the Powertools layer, at the lock file's versions, built for python3.12 on arm64."""

import json
import tomllib

from infra.app_factory import ROOT
from infra.packaging import NOT_BUNDLED, build_dependencies, layer_requirements

TOP_LEVEL_MODULES = {"yaml", "jinja2", "markupsafe", "babel", "holidays", "phonenumbers", "dateutil", "six.py"}


def test_the_layer_bundles_every_other_runtime_dependency_at_its_locked_version():
    # GIVEN the runtime dependencies and the lock file
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {d.split("[")[0].split("==")[0].lower() for d in project["dependencies"]}
    locked = {p["name"]: p["version"] for p in tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))["package"]}
    # WHEN the layer's requirements are derived
    requirements = dict(r.split("==") for r in layer_requirements())
    # THEN every declared dependency not provided at run time is there, pinned as locked, and no provided one
    assert declared - NOT_BUNDLED <= set(requirements)
    assert not NOT_BUNDLED & set(requirements)
    assert all(locked[name] == version for name, version in requirements.items())


def test_the_layer_is_built_for_python312_on_arm64():
    # GIVEN the layer's requirements
    # WHEN they are installed (from the cache in .cache/lambda-deps after the first time)
    installed = build_dependencies(layer_requirements())
    # THEN the packages are there, and compiled extensions are the aarch64 CPython 3.12 builds
    assert {p.name for p in installed.iterdir()} >= TOP_LEVEL_MODULES
    extensions = [p.name for p in installed.rglob("*.so")]
    assert extensions
    assert all("cpython-312-aarch64-linux-gnu" in name for name in extensions), extensions


def test_the_code_asset_holds_shared_and_functions_only(template_path):
    # GIVEN the session's cloud assembly and its asset manifest
    manifest = json.loads(next(template_path.parent.glob("*.assets.json")).read_text(encoding="utf-8"))
    folders = [template_path.parent / a["source"]["path"] for a in manifest["files"].values()]
    (code,) = [f for f in folders if f.is_dir() and (f / "functions").is_dir()]
    # WHEN its content is listed
    top_level = {p.name for p in code.iterdir()}
    # THEN only the handlers' code is shipped: no tests, infra, docs or caches
    assert top_level == {"shared", "functions"}
    assert not list(code.rglob("__pycache__"))
