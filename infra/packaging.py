"""Lambda code without Docker: one code asset (``shared/`` and ``functions/``) and one layer with the runtime
dependencies that neither the Lambda runtime (boto3) nor the Powertools layer (Powertools, pydantic) provides.

The layer's requirements come from ``uv.lock`` (exact versions, with their own dependencies), installed for
python3.12 on arm64 by ``uv pip install --target`` with binary wheels only. The result is cached in
``.cache/lambda-deps/<key>`` where the key hashes the requirements and the platform, so a synth after the first
copies a directory instead of downloading (``rm -rf .cache/lambda-deps`` forces a fresh install).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.app_factory import ROOT

PYTHON_VERSION = "3.12"
PLATFORM = "aarch64-manylinux2014"  # Lambda arm64; manylinux2014 wheels run on Amazon Linux 2023
# provided at run time: boto3 by the Lambda runtime, Powertools and pydantic by the Powertools layer; click is
# for the command line only
NOT_BUNDLED = frozenset({"boto3", "aws-lambda-powertools", "pydantic", "click"})
CACHE_DIR = ROOT / ".cache" / "lambda-deps"
UV = ROOT / ".uv" / "bin" / "uv"
CODE_DIRS = ("shared", "functions")


def lambda_code() -> lambda_.Code:
    """The handlers' code: ``shared/`` and ``functions/`` only (no tests, docs or infra)."""
    keep = [f"!{d}/**" for d in CODE_DIRS] + [f"!{d}" for d in CODE_DIRS]
    return lambda_.Code.from_asset(
        str(ROOT),
        exclude=["*", *keep, "**/__pycache__", "**/*.pyc"],
        ignore_mode=cdk.IgnoreMode.DOCKER,
    )


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def layer_requirements(lock_file: Path = ROOT / "uv.lock", pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """``name==version`` for every runtime dependency to bundle and what it depends on, from the lock file."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    packages = {_normalise(p["name"]): p for p in tomllib.loads(lock_file.read_text(encoding="utf-8"))["package"]}
    wanted = [_normalise(d.split("[")[0].split("=")[0].split("<")[0].split(">")[0]) for d in project["dependencies"]]
    pending, closure = [w for w in wanted if w not in NOT_BUNDLED], set[str]()
    while pending:
        name = pending.pop()
        if name in closure:
            continue
        closure.add(name)
        for dependency in packages[name].get("dependencies", []):
            if "marker" in dependency and "python_full_version < '3.12'" in dependency["marker"]:
                continue  # Lambda runs 3.12: backports for older Pythons are not needed there
            pending.append(_normalise(dependency["name"]))
    return sorted(f"{name}=={packages[name]['version']}" for name in closure)


def cache_key(requirements: list[str]) -> str:
    return hashlib.sha256("\n".join([PYTHON_VERSION, PLATFORM, *requirements]).encode()).hexdigest()[:16]


def build_dependencies(requirements: list[str], cache_dir: Path = CACHE_DIR) -> Path:
    """The installed packages (a layer's ``python/`` folder), built once per key then reused."""
    target = cache_dir / cache_key(requirements) / "python"
    if target.is_dir():
        return target
    building = target.with_name("python.building")
    shutil.rmtree(building, ignore_errors=True)
    command = [str(UV) if UV.exists() else "uv", "pip", "install", "--quiet", "--no-deps", "--target", str(building)]
    command += ["--python-platform", PLATFORM, "--python-version", PYTHON_VERSION, "--only-binary", ":all:"]
    subprocess.run([*command, *requirements], check=True)
    building.rename(target)  # only a complete install becomes the cache entry
    return target


@jsii.implements(cdk.ILocalBundling)
class CachedDependencies:
    """Local bundling (Docker is never used): copy the cached install into the layer asset."""

    def __init__(self, requirements: list[str]) -> None:
        self.requirements = requirements

    def try_bundle(self, output_dir: str, *, image: object = None, **_options: object) -> bool:
        # keyword-only options: jsii expands the BundlingOptions struct into keyword arguments
        shutil.copytree(
            build_dependencies(self.requirements), Path(output_dir) / "python", dirs_exist_ok=True, copy_function=_link
        )
        return True


def _link(source: str, destination: str) -> None:
    """Hard-link from the cache (69 MB of packages; nothing writes to a staged asset), copy across file systems."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def dependencies_layer(scope: Construct, construct_id: str) -> lambda_.LayerVersion:
    requirements = layer_requirements()
    return lambda_.LayerVersion(
        scope,
        construct_id,
        description="Chaseflow runtime dependencies: " + ", ".join(requirements),
        compatible_runtimes=[lambda_.Runtime.PYTHON_3_12],
        compatible_architectures=[lambda_.Architecture.ARM_64],
        code=lambda_.Code.from_asset(
            str(Path(__file__).resolve().parent / "layer"),
            asset_hash_type=cdk.AssetHashType.CUSTOM,
            asset_hash=cache_key(requirements),  # the requirements decide the content, not the source folder
            bundling=cdk.BundlingOptions(
                image=lambda_.Runtime.PYTHON_3_12.bundling_image,  # required by the API; never pulled
                local=CachedDependencies(requirements),
            ),
        ),
    )
