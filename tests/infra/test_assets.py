"""``python -m infra.assets`` measures the folder assets of a cloud assembly: files, bytes, bytes once zipped."""

import json

from infra.assets import AssetSize, folder_assets, main, measure, unzipped_bytes
from infra.packaging import UNZIPPED_LIMIT_BYTES


def _assembly(tmp_path):
    """A cloud assembly with one folder asset (two files, one of them compressible) and one file asset."""
    folder = tmp_path / "asset.abc"
    (folder / "pkg").mkdir(parents=True)
    (folder / "pkg" / "module.py").write_text("x = 1\n" * 1000, encoding="utf-8")
    (folder / "README").write_bytes(b"hello")
    (tmp_path / "asset.def.zip").write_bytes(b"PK")
    manifest = {"files": {"abc": {"source": {"path": "asset.abc"}}, "def": {"source": {"path": "asset.def.zip"}}}}
    (tmp_path / "Stack.assets.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_folder_is_measured_unzipped_and_zipped(tmp_path):
    # GIVEN a folder asset
    folder = _assembly(tmp_path)
    # WHEN it is measured
    size = measure(folder)
    # THEN every file counts, and deflating shrinks the repetitive module
    assert (size.files, size.bytes) == (2, 6005)
    assert unzipped_bytes(folder) == 6005
    assert 0 < size.zipped_bytes < size.bytes


def test_only_folder_assets_of_the_assembly_are_listed(tmp_path):
    # GIVEN an assembly with a folder asset and a file asset
    folder = _assembly(tmp_path)
    # THEN the folder is found by its hash, the file asset is not a folder to measure
    assert folder_assets(tmp_path) == {"abc": folder}


def test_the_command_prints_one_json_line_per_asset_and_the_total(tmp_path, capsys):
    # GIVEN an assembly
    _assembly(tmp_path)
    # WHEN the command runs on it
    main([str(tmp_path)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # THEN it reports the asset's figures, then the total beside Lambda's limit
    assert lines[0]["asset"] == "abc"
    assert AssetSize(lines[0]["files"], lines[0]["bytes"], lines[0]["zipped_bytes"]) == measure(tmp_path / "asset.abc")
    assert lines[1] == {"total_bytes": 6005, "unzipped_limit_bytes": UNZIPPED_LIMIT_BYTES}
