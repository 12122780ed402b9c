"""pyproject.toml and environment.yml describe the same environment; layout as the design card says."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~;\[ ]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(req: str) -> str:
    return req.strip()[len(_name(req)):].replace(" ", "")


def env_requirements():
    """Conda and pip entries of environment.yml, without python/pip/the project itself."""
    reqs, in_deps = [], False
    for line in (REPO / "environment.yml").read_text().splitlines():
        s = line.split("#")[0].rstrip()
        if not s.strip():
            continue
        if not s.startswith(" "):  # a top-level key
            in_deps = s.startswith("dependencies:")
            continue
        if not in_deps or s.strip() == "- pip:":
            continue
        m = re.match(r"\s*-\s+(.+)$", s)
        if m and not m.group(1).endswith(":"):
            item = m.group(1).strip()
            if _name(item) in ("python", "pip") or item.startswith("-e"):
                continue
            reqs.append(item)
    return reqs


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    py = project["dependencies"] + project["optional-dependencies"]["notebooks"]
    py_specs = {_name(r): _spec(r) for r in py}
    env_specs = {_name(r): _spec(r) for r in env_requirements()}
    assert env_specs == py_specs


def test_layout_of_the_design_card():
    for folder in ("notebooks", "formlab", "data", "figures", "tests"):
        assert (REPO / folder).is_dir(), folder
    for f in ("environment.yml", "pyproject.toml", "README.md", "LICENSE", "Makefile", ".ci/run"):
        assert (REPO / f).is_file(), f
