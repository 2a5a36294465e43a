"""No file of the repository sends its reader to a folder outside it: whoever clones the repository has only what
is in it. Design notes the project once kept beside the repository are summarised in docs/architecture.md,
docs/events.md and docs/decisions.md; a reference to them belongs there."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()  # it names the patterns it looks for
OUTSIDE = re.compile(
    r"\.\./shared\b"  # the folder beside the checkout
    r"|\b(aws|cdk|product|conventions)-research\b"  # the reference notes that lived there
    r"|CONTRACTS\.md|docs: CONTRACTS\b"
    r"|\b(architecture|research) §"  # a section of one of those notes
)


def tracked_text_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name and name != THIS]


def references(text: str) -> list[str]:
    return [f"{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]


def test_no_tracked_file_refers_outside_the_repository():
    # GIVEN every tracked file that is text
    found = []
    for name in tracked_text_files():
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):  # binary, or deleted but not yet staged
            continue
        # WHEN its lines are searched for a reference to the folder beside the checkout or its notes
        found += [f"{name}:{line}" for line in references(text)]
    # THEN there is none
    assert found == [], "point these at docs/architecture.md, docs/events.md or docs/decisions.md:\n" + "\n".join(found)


def test_the_patterns_catch_each_kind_of_reference():
    # GIVEN lines written the ways the old references were
    lines = [
        "The fixed architecture is in `../shared/design/architecture.md`.",
        "as summarised in aws-research §B.4",
        "see cdk-research for the synth",
        "Alarms on every signal of CONTRACTS.md",
        "dimension only (docs: CONTRACTS — no tenant dimension)",
        "the old one ends (architecture §3)",
    ]
    # THEN each is caught, and the project's own names are not
    assert all(references(line) for line in lines)
    assert references("CONTRACTS: dict[str, type[DomainEvent]] = {}\nsee docs/architecture.md, section 3") == []
