"""Lambda code without Docker: one code asset (``shared/`` and ``functions/``) and one layer holding every runtime
dependency at the version ``uv.lock`` pins: Powertools, pydantic, boto3 and the rest, the very versions the tests
run on. No AWS-managed layer and no SDK from the Lambda image: what was tested is what runs.

The layer's requirements are the lock's closure of ``[project].dependencies`` as ``uv export --frozen`` writes it
(extras, markers and every file's hash), without the command line's click. ``uv pip install --target`` installs
them for ``shared.platform.functions.LAMBDA_RUNTIME`` on arm64, binary wheels only, each wheel checked against the
lock's hashes. The result is cached in ``.cache/lambda-deps/<key>`` where the key hashes the runtime, the platform
and the exported requirements, so a synth after the first hard-links a directory instead of downloading
(``rm -rf .cache/lambda-deps`` forces a fresh install).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.app_factory import ROOT
from shared.platform.functions import LAMBDA_RUNTIME, PYTHON_VERSION

# Lambda arm64. manylinux2014 wheels need glibc 2.17; Lambda's Python 3.11 runs on Amazon Linux 2 (glibc 2.26)
PLATFORM = "aarch64-manylinux2014"
ARCHITECTURE = lambda_.Architecture.ARM_64
COMMAND_LINE_ONLY = frozenset({"click"})  # a runtime dependency of the package, imported by cli/ only
CACHE_DIR = ROOT / ".cache" / "lambda-deps"
UV = ROOT / ".uv" / "bin" / "uv"
CODE_DIRS = ("shared", "functions")
# What Lambda unzips for a function: its code and all its layers together (the Lambda quota, in bytes)
UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def lambda_runtime() -> lambda_.Runtime:
    """CDK's runtime for the platform's LAMBDA_RUNTIME; a name this aws-cdk-lib does not know fails the synth."""
    runtime = getattr(lambda_.Runtime, "PYTHON_" + PYTHON_VERSION.replace(".", "_"), None)
    if not isinstance(runtime, lambda_.Runtime) or runtime.name != LAMBDA_RUNTIME:
        raise ValueError(f"aws-cdk-lib has no Lambda runtime {LAMBDA_RUNTIME}")
    return runtime


def lambda_code() -> lambda_.Code:
    """The handlers' code: ``shared/`` and ``functions/`` only (no tests, docs, infra, emulator or CLI)."""
    keep = [f"!{d}/**" for d in CODE_DIRS] + [f"!{d}" for d in CODE_DIRS]
    return lambda_.Code.from_asset(
        str(ROOT),
        exclude=["*", *keep, "**/__pycache__", "**/*.pyc"],
        ignore_mode=cdk.IgnoreMode.DOCKER,
    )


def _uv() -> str:
    return str(UV) if UV.exists() else "uv"


def locked_requirements(root: Path = ROOT) -> str:
    """The runtime closure of ``uv.lock`` in requirements format, with hashes (``--frozen``: the lock as it is)."""
    command = [_uv(), "export", "--frozen", "--format", "requirements.txt", "--no-default-groups"]
    command += ["--no-emit-project", "--no-header", "--no-annotate"]
    for package in sorted(COMMAND_LINE_ONLY):
        command += ["--no-emit-package", package]
    exported = subprocess.run(command, cwd=root, check=True, capture_output=True, text=True)
    return exported.stdout


def pins(requirements: str) -> dict[str, str]:
    """Package name → version of each ``name==version`` line (hash continuation lines skipped)."""
    found = (_REQUIREMENT.match(line) for line in requirements.splitlines())
    return {match[1]: match[2] for match in found if match}


def layer_requirements() -> list[str]:
    """``name==version`` for every package the layer holds, sorted."""
    return [f"{name}=={version}" for name, version in sorted(pins(locked_requirements()).items())]


def cache_key(requirements: str, platform: str = PLATFORM) -> str:
    return hashlib.sha256("\n".join([LAMBDA_RUNTIME, platform, requirements]).encode()).hexdigest()[:16]


def build_dependencies(requirements: str, cache_dir: Path = CACHE_DIR, platform: str = PLATFORM) -> Path:
    """The installed packages (a layer's ``python/`` folder), built once per key then reused. ``platform``: Lambda's
    unless a test installs the same lock for the machine it runs on, to import the handlers from it."""
    target = cache_dir / cache_key(requirements, platform) / "python"
    if target.is_dir():
        return target
    building = target.with_name("python.building")
    shutil.rmtree(building, ignore_errors=True)
    building.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", dir=building.parent, delete=False) as file:
        file.write(requirements)
    try:
        # --no-deps: the export is already the whole closure, so nothing the lock does not name can come in
        command = [_uv(), "pip", "install", "--quiet", "--no-deps", "--require-hashes", "--target", str(building)]
        command += ["--python-platform", platform, "--python-version", PYTHON_VERSION, "--only-binary", ":all:"]
        subprocess.run([*command, "--requirements", file.name], check=True)
    finally:
        Path(file.name).unlink()
    building.rename(target)  # only a complete install becomes the cache entry
    return target


@jsii.implements(cdk.ILocalBundling)
class CachedDependencies:
    """Local bundling (Docker is never used): copy the cached install into the layer asset."""

    def __init__(self, requirements: str) -> None:
        self.requirements = requirements

    def try_bundle(self, output_dir: str, *, image: object = None, **_options: object) -> bool:
        # keyword-only options: jsii expands the BundlingOptions struct into keyword arguments
        shutil.copytree(
            build_dependencies(self.requirements), Path(output_dir) / "python", dirs_exist_ok=True, copy_function=_link
        )
        return True


def _link(source: str, destination: str) -> None:
    """Hard-link from the cache (nothing writes to a staged asset), copy across file systems."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def layer_description(requirements: str) -> str:
    """What a console shows for the layer: the versions that matter most (Lambda allows 256 characters)."""
    versions = pins(requirements)
    headline = [f"{name}=={versions.pop(name)}" for name in ("aws-lambda-powertools", "pydantic", "boto3")]
    listed = ", ".join(headline)
    return f"Chaseflow runtime dependencies from uv.lock for {LAMBDA_RUNTIME}: {listed} and {len(versions)} more"


def dependencies_layer(scope: Construct, construct_id: str) -> lambda_.LayerVersion:
    requirements = locked_requirements()
    runtime = lambda_runtime()
    return lambda_.LayerVersion(
        scope,
        construct_id,
        description=layer_description(requirements),
        compatible_runtimes=[runtime],
        compatible_architectures=[ARCHITECTURE],
        code=lambda_.Code.from_asset(
            str(Path(__file__).resolve().parent / "layer"),
            asset_hash_type=cdk.AssetHashType.CUSTOM,
            asset_hash=cache_key(requirements),  # the requirements decide the content, not the source folder
            bundling=cdk.BundlingOptions(
                image=runtime.bundling_image,  # required by the API; never pulled
                local=CachedDependencies(requirements),
            ),
        ),
    )
