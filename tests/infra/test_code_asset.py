"""The functions' code asset, as staged in the cloud assembly, is the deployable runtime only: ``shared/`` and
``functions/``. The emulator, the simulations, the CLI, the tests, the CDK app and the benchmarks stay out, and no
module in it imports moto or click, or anything Lambda would not have."""

import ast
import importlib.metadata
import json
import platform
import re
import subprocess
import sys

import pytest

from infra.assets import folder_assets
from infra.packaging import build_dependencies, locked_requirements, pins
from shared.platform.functions import FUNCTIONS
from tests.infra.conftest import properties

NEVER_DEPLOYED = {"emulator", "simulation", "cli", "tests", "infra", "bench"}
LOCAL_ONLY_LIBRARIES = {"moto", "click"}
OURS = {"shared", "functions"}


@pytest.fixture(scope="module")
def code_dir(template, template_path):
    """The staged folder every function's code comes from (found through the functions' S3 keys)."""
    keys = {fn["Code"]["S3Key"] for fn in properties(template, "AWS::Lambda::Function").values()}
    (key,) = keys  # one asset for every function
    return folder_assets(template_path.parent)[key.removesuffix(".zip")]


@pytest.fixture(scope="module")
def files(code_dir):
    return sorted(p.relative_to(code_dir) for p in code_dir.rglob("*") if p.is_file())


def _imports(tree: ast.Module) -> set[str]:
    """Top-level names of the absolute imports of a module, wherever they are (lazy imports inside functions too),
    except under ``if TYPE_CHECKING:``, which never runs."""
    skipped = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for statement in branch.body
        for node in ast.walk(statement)
    }
    names = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _imports_by_module(code_dir, files):
    return {
        str(path): _imports(ast.parse((code_dir / path).read_text(encoding="utf-8")))
        for path in files
        if path.suffix == ".py"
    }


def test_only_the_runtime_packages_are_shipped(files):
    # GIVEN every file of the code asset
    top_level = {path.parts[0] for path in files}
    anywhere = {part for path in files for part in path.parts[:-1]}
    # THEN only shared/ and functions/ are there, with no package of the local tools at any depth
    assert top_level == OURS
    assert not NEVER_DEPLOYED & anywhere
    # AND only Python sources (and their type marker): no caches, data dumps or notes
    assert {path.suffix for path in files} <= {".py", ".typed"}


def test_no_shipped_module_imports_moto_click_or_a_local_tool(code_dir, files):
    # GIVEN the imports of every module of the code asset
    imports = _imports_by_module(code_dir, files)
    assert len(imports) > 100  # the whole runtime was read
    # WHEN those that name a local-only library or a package that is never deployed are kept
    offending = {module: sorted(names & (LOCAL_ONLY_LIBRARIES | NEVER_DEPLOYED)) for module, names in imports.items()}
    # THEN there are none
    assert {module: names for module, names in offending.items() if names} == {}


def test_every_import_is_stdlib_our_code_or_a_layer_package(code_dir, files):
    # GIVEN the distributions of the dependencies layer, and which import names each provides
    in_layer = {name.lower() for name in pins(locked_requirements())}
    provided_by = importlib.metadata.packages_distributions()
    # WHEN every third-party import of the code asset is traced to its distribution
    missing = {}
    for module, names in _imports_by_module(code_dir, files).items():
        for name in names - OURS - set(sys.stdlib_module_names) - {"__future__"}:
            distributions = {re.sub(r"[-_.]+", "-", d).lower() for d in provided_by.get(name, [])}
            if not distributions & in_layer:
                missing.setdefault(module, []).append(name)
    # THEN each is in the layer: the code needs nothing Lambda would not have
    assert missing == {}


def test_the_asset_manifest_stages_the_code_once(template_path, code_dir):
    # GIVEN the cloud assembly's asset manifest
    manifest = json.loads(next(template_path.parent.glob("*.assets.json")).read_text(encoding="utf-8"))
    sources = [a["source"]["path"] for a in manifest["files"].values()]
    # THEN the code folder is one asset of the assembly, staged without Python caches
    assert sources.count(code_dir.name) == 1
    assert not list(code_dir.rglob("__pycache__"))


def test_every_handler_imports_from_the_code_asset_and_the_layer_alone(code_dir, tmp_path):
    # GIVEN the code asset, and the layer's locked requirements installed for this machine (the deployed layer is
    # the same lock for arm64, whose compiled modules cannot load here)
    layer = build_dependencies(locked_requirements(), platform=f"{platform.machine()}-manylinux2014")
    modules = sorted({spec.handler.rsplit(".", 1)[0] for spec in FUNCTIONS})
    script = (
        "import importlib, sys\n"
        f"sys.path[:0] = [{str(code_dir)!r}, {str(layer)!r}]\n"
        f"for module in {modules!r}:\n"
        "    importlib.import_module(module)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('moto', 'click', 'pytest')))\n"
    )
    # WHEN an interpreter without site-packages (-S: only the standard library) imports every handler from them
    result = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    # THEN all import, and nothing of the test environment was needed or loaded
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"
