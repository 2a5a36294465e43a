"""How big the Lambda assets of a synthesized cloud assembly are: files, bytes, and bytes once zipped as the CDK
uploads them. ``python -m infra.assets cdk.out`` prints one JSON line per file asset and one for the total, beside
Lambda's limit on a function's code and layers unzipped (250 MB).
"""

from __future__ import annotations

import json
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from infra.packaging import UNZIPPED_LIMIT_BYTES


@dataclass(frozen=True)
class AssetSize:
    files: int
    bytes: int
    zipped_bytes: int


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


def unzipped_bytes(directory: Path) -> int:
    """What Lambda counts against its limit: the bytes of every file, once unzipped."""
    return sum(p.stat().st_size for p in _files(directory))


def measure(directory: Path) -> AssetSize:
    """Counts every file under ``directory``; the zip is deflated at level 9, as the CDK zips a folder asset."""
    files = _files(directory)
    with tempfile.TemporaryFile() as zipped:  # measured, then dropped
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in files:
                archive.write(path, path.relative_to(directory).as_posix())
        zipped_bytes = zipped.tell()
    return AssetSize(files=len(files), bytes=sum(p.stat().st_size for p in files), zipped_bytes=zipped_bytes)


def folder_assets(assembly: Path) -> dict[str, Path]:
    """Asset hash → staged folder, for every folder asset of every stack in a cloud assembly (``cdk.out``)."""
    found: dict[str, Path] = {}
    for manifest in sorted(assembly.glob("*.assets.json")):
        for asset_hash, asset in json.loads(manifest.read_text(encoding="utf-8"))["files"].items():
            path = assembly / asset["source"]["path"]
            if path.is_dir():
                found[asset_hash] = path
    return found


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: python -m infra.assets CLOUD_ASSEMBLY_DIR (e.g. cdk.out)")
    total = 0
    for asset_hash, path in folder_assets(Path(argv[0])).items():
        size = measure(path)
        total += size.bytes
        print(json.dumps({"asset": asset_hash, "path": str(path), **asdict(size)}))
    print(json.dumps({"total_bytes": total, "unzipped_limit_bytes": UNZIPPED_LIMIT_BYTES}))


if __name__ == "__main__":
    main(sys.argv[1:])
