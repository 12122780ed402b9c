"""The formlab app: analyse a lift in the browser, with no notebook or terminal.

``formlab app`` (:mod:`formlab.app.server`) serves, with Voila, a one-cell
notebook (``formlab_app.ipynb``) that calls :func:`show`. Each page load gets
its own kernel, session folder and pages:

* :mod:`~formlab.app.page` - the tabs (:data:`~formlab.app.page.PAGES`, the one list of pages) and the style;
* :mod:`~formlab.app.analyse_page` - "Analyse a video": upload, progress, result;
* :mod:`~formlab.app.runner` - one analysis with formlab's pipeline and writers, its progress, the zip;
* :mod:`~formlab.app.view` - the result as HTML;
* :mod:`~formlab.app.upload` - files from the page in chunks, with a size limit;
* :mod:`~formlab.app.session` - the session folder and its clean-up;
* :mod:`~formlab.app.server` - starting Voila.

The widgets are imported on first use, so that ``formlab app`` (the server,
which shows none) starts without them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PAGES", "build_app", "show"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import page

        return getattr(page, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
