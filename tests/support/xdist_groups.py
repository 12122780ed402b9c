"""Which tests run together on one pytest-xdist worker, and a scheduler that keeps them so.

``make test`` runs the suite on every core (``-n auto --dist loadgroup``). Each test goes to
whichever worker is free, except a *group*, whose tests all go to one worker:

- ``colab``: every test that reads the emulated Colab's notebooks (the ``colab_notebooks``
  session fixture: a venv, a wheel, six notebooks, minutes of work, built once), and every
  browser test: one Chromium and one server at a time, whose waits for a page would otherwise
  compete with the notebooks' kernels and the other worker for two cores;
- one group per module for the tests that share a module-scoped fixture (a server, a browser,
  a built plugin, a cluster), which would otherwise be built on both workers.

Groups are found from the fixtures each test uses (:func:`group_of`), so no test module needs
to know. pytest-xdist's own ``xdist_group`` marker does not work with pytest >= 9.2 (xdist
renames a test's ``_nodeid``, which pytest no longer reads), so each worker writes the groups
it collected into a folder the controller chose (:func:`record`) and the controller's
scheduler reads them (:func:`make_scheduler`). Without ``-n``, nothing of this runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

GROUPS_ENV = "FORMLAB_TEST_GROUPS"
"""Folder (chosen by the controller, inherited by the workers) of each worker's groups."""


def _shares_a_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        defs[-1].scope in ("module", "package", "class") for defs in info.name2fixturedefs.values()
    )


def groups_of(items, repo: Path) -> dict[str, str]:
    """Node id -> group name of the collected ``items`` that belong to a group."""
    colab_modules = {i.path for i in items if "colab_notebooks" in getattr(i, "fixturenames", ())}
    groups = {}
    for item in items:
        shares = _shares_a_module_fixture(item)
        if (
            "colab_notebooks" in getattr(item, "fixturenames", ())
            or item.get_closest_marker("browser")
            or (shares and item.path in colab_modules)
        ):
            groups[item.nodeid] = "colab"
        elif shares:
            groups[item.nodeid] = str(item.path.relative_to(repo))
    return groups


def record(config, items, repo: Path) -> None:
    """On a pytest-xdist worker: write the groups of what it collected for the controller."""
    worker = getattr(config, "workerinput", {}).get("workerid")
    folder = os.environ.get(GROUPS_ENV)
    if worker is None or not folder:
        return
    path = Path(folder) / f"{worker}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(groups_of(items, repo)))
    tmp.replace(path)


def make_scheduler(config, log):
    """The controller's scheduler for ``--dist loadgroup``: xdist's, with our groups."""
    from xdist.scheduler import LoadGroupScheduling

    class Scheduler(LoadGroupScheduling):
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # every worker has collected (and written) by now
                self.groups = {}
                for f in sorted(Path(os.environ[GROUPS_ENV]).glob("*.json")):
                    self.groups.update(json.loads(f.read_text()))
            group = self.groups.get(nodeid)
            return f"group:{group}" if group else super()._split_scope(nodeid)

    return Scheduler(config, log)
