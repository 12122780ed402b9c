"""The package's layers hold: imports go down, never up, and no modules import each other.

The rule and the layers are in ``tests/check_layers.py``, which also prints
the graph (``python tests/check_layers.py``).
"""

from __future__ import annotations

import check_layers


def test_no_upward_import_and_no_cycle():
    assert check_layers.problems() == []


def test_the_check_sees_an_upward_import_and_a_cycle():
    graph = {
        "formlab.core.track": {"formlab.form.checks"},
        "formlab.form.checks": {"formlab.core.track"},
    }
    found = check_layers.problems(graph)
    assert any(
        "upward import: formlab.core.track (core) imports formlab.form.checks (form)" in f
        for f in found
    )
    assert any(
        f.startswith("import cycle: formlab.core.track <-> formlab.form.checks") for f in found
    )


def test_every_module_has_a_layer():
    graph = check_layers.import_graph()
    assert {check_layers.layer_of(m) for m in graph} <= {name for name, _ in check_layers.LAYERS}
