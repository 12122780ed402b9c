"""What the README says about the command matches what the command does (issue 14's new user)."""

from __future__ import annotations

import re
from pathlib import Path

import formlab.outputs as outputs

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_lists_the_stages_analyze_shows():
    pipeline = (ROOT / "formlab" / "pipeline" / "analyze.py").read_text(encoding="utf-8")
    shown = set(re.findall(r'stages\.stage\("([^"]+)"', pipeline))
    shown |= {
        w.stage
        for w in vars(outputs).values()
        if callable(w) and isinstance(getattr(w, "stage", None), str)
    }
    shown |= {
        "tables",
        "video",
    }  # the pose table's and the annotated video's writers are made by factories
    listed = re.search(r"in this order: ([a-z ,]+?) \(", README.replace("\n", " "))
    assert listed, "the README no longer lists analyze's stages"
    assert {s.strip() for s in listed.group(1).split(",")} == shown


def test_the_app_section_names_the_extra_it_needs():
    section = README.split("## The app: `formlab app`", 1)[1].split("\n## ", 1)[0]
    assert 'pip install "formlab[app]"' in section
