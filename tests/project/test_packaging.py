"""pyproject.toml and environment.yml describe the same environment; layout as the design card says."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _name(req: str) -> str:
    return re.split(r"[<>=!~;\[ ]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(req: str) -> str:
    return req.strip()[len(_name(req)) :].replace(" ", "")


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
    extras = project["optional-dependencies"]
    py = project["dependencies"] + extras["notebooks"] + extras["app"]
    py_specs = {_name(r): _spec(r) for r in py}
    env_specs = {_name(r): _spec(r) for r in env_requirements()}
    assert env_specs == py_specs


def _imported_top_level_modules(package: Path) -> set[str]:
    """Top-level names of the absolute imports in a package's modules (lazy imports inside functions included)."""
    names = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


# Imported but not declared, with the reason: IPython is used only to show a video in a notebook and
# comes with ipywidgets (a declared dependency, which requires it); traitlets declares the live widget's
# synced attributes and comes with ipywidgets and anywidget (both declared, both require it).
_UNDECLARED_OK = {"IPython", "traitlets"}


def test_every_third_party_import_is_declared():
    """A module formlab imports itself is declared (a dependency, or in the extra of the feature that imports it)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    # an optional extra declares what its feature imports (formlab[dask]: distributed); dev does not
    extras = [r for k, v in project["optional-dependencies"].items() if k != "dev" for r in v]
    declared = {_name(r) for r in project["dependencies"] + extras}
    providers = importlib.metadata.packages_distributions()
    third_party = sorted(
        m
        for m in _imported_top_level_modules(REPO / "formlab")
        if m not in sys.stdlib_module_names and m != "formlab" and m not in _UNDECLARED_OK
    )
    assert "cv2" in third_party  # the plate tracker's OpenCV
    undeclared = {
        m: providers.get(m)
        for m in third_party
        if not declared & {_name(d) for d in providers.get(m, [])}
    }
    assert not undeclared, f"imported by formlab but not in pyproject's dependencies: {undeclared}"


def test_package_data_globs_match_files():
    """Every package-data pattern ships something (a pattern for a folder that does not exist hides a mistake)."""
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    for package, patterns in package_data.items():
        for pattern in patterns:
            assert list((REPO / package).glob(pattern)), f"{package}: {pattern!r} matches no file"
    assert "io/*.json" in package_data["formlab"]  # the sample registry


def test_layout_of_the_design_card():
    for folder in ("notebooks", "formlab", "data", "figures", "tests"):
        assert (REPO / folder).is_dir(), folder
    for f in ("environment.yml", "pyproject.toml", "README.md", "LICENSE", "Makefile", ".ci/run"):
        assert (REPO / f).is_file(), f
