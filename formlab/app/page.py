"""The app's page: a title, then one tab per page of :data:`PAGES`, in a layout that fits a phone.

A page is a class taking the session (:class:`~formlab.app.session.SessionFolder`)
with a ``title`` and a ``widget``. :data:`PAGES` is the one place pages are
listed: a page added there (the live coach of ``formlab.live``, say) gets its
tab, its session folder and the app's style with nothing else to change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w

from .analyse_page import AnalysePage
from .live_page import CoachLivePage
from .session import AppSettings, SessionFolder

PAGES: tuple[Callable[[SessionFolder], Any], ...] = (AnalysePage, CoachLivePage)
"""The app's pages, in tab order: each ``page(session)`` has ``.title`` and ``.widget``."""

CSS = """
<style>
.formlab-app { max-width: 1100px; margin: 0 auto; box-sizing: border-box; width: 100%; }
.formlab-app .widget-tab { width: 100%; }
.formlab-app .formlab-row { flex-wrap: wrap; gap: 6px; align-items: center; }
.formlab-app .widget-dropdown { width: auto; max-width: 100%; }
.formlab-app .widget-dropdown > select { max-width: 100%; }
.formlab-app .widget-html, .formlab-app .widget-html-content { max-width: 100%; height: auto; }
.formlab-app .widget-html-content { line-height: 1.4; white-space: normal; }
.formlab-app .jupyter-button { width: auto; }
.formlab-app .formlab-progress { width: 100%; max-width: 100%; }
.formlab-upload input[type=file] { position: absolute; width: 1px; height: 1px; opacity: 0; }
.formlab-upload-button { display: inline-block; padding: 6px 14px; border-radius: 4px;
  background: #1d3557; color: #fff; cursor: pointer; font-size: 14px; }
.formlab-main-upload .formlab-upload-button { font-size: 16px; padding: 10px 18px; }
.formlab-upload-button.formlab-disabled { opacity: 0.5; cursor: default; }
.formlab-error { color: #b00020; font-weight: 600; padding: 6px 0; }
.formlab-count { margin: 8px 0; }
.formlab-video, .formlab-figure { display: block; max-width: 100%; max-height: 80vh;
  margin: 6px 0; }
.formlab-download { display: inline-block; margin: 6px 0; padding: 8px 14px; border-radius: 4px;
  background: #2a9d8f; color: #fff !important; text-decoration: none; }
.formlab-scroll { overflow-x: auto; max-width: 100%; }
.formlab-table { border-collapse: collapse; font-size: 13px; }
.formlab-table th, .formlab-table td { border-bottom: 1px solid #ddd; padding: 3px 8px;
  text-align: left; vertical-align: top; }
.formlab-verdict { border: 1px solid; border-radius: 10px; padding: 0 8px; white-space: nowrap; }
.formlab-rep summary { cursor: pointer; font-weight: 600; margin-top: 6px; }
@media (max-width: 600px) {
  body, .jp-Notebook { padding: 0 !important; }
  .formlab-app .widget-label { width: auto !important; }
  .formlab-table { font-size: 12px; }
  .formlab-table th, .formlab-table td { padding: 2px 4px; }
}
</style>
"""
"""The app's style: narrow screens get the same page in one column (rows wrap, media fit the width)."""


def build_app(
    settings: AppSettings | None = None,
    *,
    pages: Sequence[Callable[[SessionFolder], Any]] = PAGES,
) -> tuple[w.Widget, list[Any]]:
    """The app's widget and its pages, for one session (a new session folder).

    Parameters
    ----------
    settings : AppSettings, optional
        Default: what ``formlab app`` put in the environment.
    pages : sequence
        The pages (default :data:`PAGES`).
    """
    session = SessionFolder(settings or AppSettings.from_env())
    built = [page(session) for page in pages]
    tabs = w.Tab(children=[p.widget for p in built])
    for i, p in enumerate(built):
        tabs.set_title(i, p.title)
    title = w.HTML('<h1 class="formlab-title">formlab</h1>')
    app = w.VBox([w.HTML(CSS), title, tabs])
    app.add_class("formlab-app")
    app.session = session
    return app, built


def show() -> None:
    """Display the app (the one call of the app's notebook)."""
    from IPython.display import display

    app, _pages = build_app()
    display(app)
