"""The app's "Analyse a video" page: upload (or pick a sample), choose the lift, watch it run, read the result.

The page is widgets around :func:`formlab.app.runner.run_analysis`. A video
or photo chosen on the page starts the analysis as soon as it has arrived
(one tap on a phone); the lift and an optional thresholds file are chosen
above it first, and "Analyse again" re-runs the last input after a change.
The analysis runs in a thread, so the page keeps answering (the progress bar
moves, the page can be closed); one runs at a time per page, and a new one
replaces the previous result and its files.
"""

from __future__ import annotations

import html
import logging
import queue
import shutil
import threading
import time
from pathlib import Path

import ipywidgets as w

from ..core.errors import FormlabError
from ..exercises import checks_of, exercise_names
from ..io.samples import resolve_source, sample_names
from ..outputs import ANNOTATED_IMAGE, ANNOTATED_VIDEO, FIGURES
from ..pipeline import Analysis
from ..pipeline.steps import resolve_thresholds
from . import view
from .runner import RunResult, one_line_error, run_analysis
from .session import MAX_THRESHOLDS_BYTES, SessionFolder
from .upload import ChunkedUpload, size_in_words

log = logging.getLogger(__name__)

MEDIA_ACCEPT = "video/*,image/*,.mp4,.mov,.m4v,.avi,.webm,.mkv,.jpg,.jpeg,.png,.webp,.bmp"
"""What the file picker offers (phones open the camera roll for ``video/*,image/*``)."""


TICK_S = 1.0
"""How often the status line's seconds count up while a stage runs."""


class AnalysePage:
    """The "Analyse a video" page of :func:`formlab.app.build_app`.

    Parameters
    ----------
    session : SessionFolder
        Where uploads and results go, how they are addressed, and whether
        analyses run in a thread (:attr:`AppSettings.background`).

    Attributes
    ----------
    title : str
        The page's tab title.
    widget : ipywidgets.Widget
        The page.
    result : RunResult or None
        The result shown (None before the first, or after an error).
    error : str
        The error line shown ("" when none).
    """

    title = "Analyse a video"

    def __init__(self, session: SessionFolder):
        self.session = session
        self.background = session.settings.background
        self.result: RunResult | None = None
        self.error = ""
        self.seconds = 0.0
        self.thresholds_path: Path | None = None
        self._last_input: tuple[Path, str] | None = None
        self._run_dir: Path | None = None
        self._thread: threading.Thread | None = None
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._finished = threading.Event()
        self._finished.set()
        self._stage_words, self._stage_start = "", time.perf_counter()
        self._build()

    # ------------------------------------------------------------------ widgets
    def _build(self) -> None:
        names = [n for n in exercise_names() if n != "auto"]
        self.lift = w.Dropdown(
            options=[("auto: formlab recognises the lift", "auto")]
            + [(view.lift_words(n), n) for n in names],
            value="auto",
            description="Lift",
        )
        self.thresholds_upload = ChunkedUpload(
            folder=lambda: self.session.path / "thresholds",
            max_bytes=MAX_THRESHOLDS_BYTES,
            on_received=self._thresholds_received,
            on_error=self.show_error,
            accept=".toml,.json",
            description="Thresholds file (optional)",
            what="thresholds file",
        )
        self.thresholds_label = w.HTML("Thresholds: the lift's defaults")
        self.thresholds_clear = w.Button(description="Use the defaults", layout={"display": "none"})
        self.thresholds_clear.on_click(lambda _b: self._clear_thresholds())
        self.upload = ChunkedUpload(
            folder=self._new_upload_folder,
            max_bytes=self.session.settings.max_upload_bytes,
            on_received=self._media_received,
            on_error=self.show_error,
            on_progress=self._upload_progress,
            accept=MEDIA_ACCEPT,
            description="Upload a video or photo",
            what="video or photo",
        )
        self.upload.add_class("formlab-main-upload")
        samples = sample_names("video") + sample_names("image")
        self.sample = w.Dropdown(options=samples, value=samples[0] if samples else None)
        self.sample_button = w.Button(description="Analyse the sample", icon="play")
        self.sample_button.on_click(lambda _b: self.analyse_sample(self.sample.value))
        self.again = w.Button(description="Analyse again", disabled=True, icon="redo")
        self.again.on_click(lambda _b: self._again())
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout={"display": "none"})
        self.progress.add_class("formlab-progress")
        self.status = w.HTML("")
        self.status.add_class("formlab-status")
        self.message = w.HTML("")
        self.message.add_class("formlab-message")
        self.output = w.VBox([])
        self.output.add_class("formlab-result")
        limit = size_in_words(self.session.settings.max_upload_bytes)
        intro = w.HTML(
            "<p>Film the set from the side or the front, with the whole body in view. Choose the "
            f"lift, then upload the video (up to {limit}) or a photo; the analysis starts when "
            "the file has arrived.</p>"
        )
        rows = [
            intro,
            self.lift,
            w.HBox([self.thresholds_upload, self.thresholds_label, self.thresholds_clear]),
            w.HBox([self.upload, self.again]),
            w.HBox([w.HTML("or a sample:"), self.sample, self.sample_button]),
            self.progress,
            self.status,
            self.message,
            self.output,
        ]
        for row in rows:
            if isinstance(row, w.HBox):
                row.add_class("formlab-row")
        self.widget = w.VBox(rows)
        self.widget.add_class("formlab-analyse")
        self._controls = [self.lift, self.sample, self.sample_button, self.again]
        self._uploads = [self.upload, self.thresholds_upload]

    # ------------------------------------------------------------------ state shown
    def show_error(self, message: str) -> None:
        """Show ``message`` as the page's one error line (and clear the progress shown)."""
        self.error = message
        self._stage_words = ""  # nothing running: the status line stays empty
        self.message.value = view.error_html(message)
        self.progress.layout.display = "none"
        self.status.value = ""

    def _clear_output(self) -> None:
        old, self.output.children = self.output.children, ()
        for widget in old:  # closed, or the kernel keeps every result's widgets
            widget.close()

    def _clear_error(self) -> None:
        self.error = ""
        self.message.value = ""

    def _set_busy(self, busy: bool) -> None:
        for c in self._controls:
            c.disabled = busy
        for u in self._uploads:
            u.disabled = busy
        if not busy:
            self.again.disabled = self._last_input is None

    def _report(self, fraction: float, words: str) -> None:
        self.progress.layout.display = None
        self.progress.value = max(0.0, min(1.0, fraction))
        self._stage_words, self._stage_start = words, time.perf_counter()
        self.status.value = f"{words}…" if fraction < 1.0 else words

    def _tick(self, done: threading.Event) -> None:
        """Every second, the time spent in the current stage: a long pose stage still shows life."""
        while not done.wait(TICK_S):
            elapsed = time.perf_counter() - self._stage_start
            if elapsed >= TICK_S and self._stage_words and self.progress.value < 1.0:
                self.status.value = f"{self._stage_words}… {elapsed:.0f} s"

    def _upload_progress(self, received: int, total: int) -> None:
        self._clear_error()
        self.progress.layout.display = None
        self.progress.value = received / total if total else 0.0
        self.status.value = f"Uploading: {size_in_words(received)} of {size_in_words(total)}"

    # ------------------------------------------------------------------ inputs
    def _new_upload_folder(self) -> Path:
        self._run_dir = self.session.new_run()
        return self._run_dir / "upload"

    def _media_received(self, path: Path, name: str) -> None:
        assert self._run_dir is not None
        self.analyse(path, name, self._run_dir)

    def _thresholds_received(self, path: Path, name: str) -> None:
        try:
            resolve_thresholds(path, self.lift.value)
        except FormlabError as e:
            path.unlink(missing_ok=True)
            self.show_error(one_line_error(e, {str(path): name}))
            return
        if self.thresholds_path is not None and self.thresholds_path != path:
            self.thresholds_path.unlink(missing_ok=True)
        self.thresholds_path = path
        self.thresholds_label.value = f"Thresholds: <b>{html.escape(name)}</b>"
        self.thresholds_clear.layout.display = None
        self._clear_error()

    def _clear_thresholds(self) -> None:
        if self.thresholds_path is not None:
            self.thresholds_path.unlink(missing_ok=True)
        self.thresholds_path = None
        self.thresholds_label.value = "Thresholds: the lift's defaults"
        self.thresholds_clear.layout.display = "none"

    def _again(self) -> None:
        if self._last_input is None:
            return
        source, name = self._last_input
        run = self.session.new_run()
        if source.is_relative_to(self.session.path):  # an upload: it moves to the new run
            moved = run / "upload" / source.name
            moved.parent.mkdir()
            shutil.move(source, moved)
            source = moved
        self.analyse(source, name, run)

    # ------------------------------------------------------------------ running
    def analyse_sample(self, name: str) -> None:
        """Analyse the sample clip or photo ``name`` (see ``formlab samples``)."""
        run = self.session.new_run()
        try:
            source = resolve_source(f"sample:{name}")
        except FormlabError as e:
            self.show_error(one_line_error(e))
            return
        self.analyse(source, f"sample:{name}", run)

    def analyse(self, source: Path, name: str, run: Path) -> None:
        """Analyse ``source`` (called ``name`` on the page) into the run folder ``run``."""
        self._set_busy(True)
        self._clear_error()
        self.result = None
        self._clear_output()
        self.session.discard_runs(keep=run)  # the previous result's files go with it
        self._last_input = (source, name)
        self._report(0.0, f"Starting on {name}")
        if not self.background:
            self._run(source, name, run)
            return
        self._finished.clear()
        if self._thread is None:
            # one worker for the page's life, not a thread per analysis: each new thread may get
            # its own malloc arena, which keeps the memory a large analysis freed
            self._thread = threading.Thread(target=self._work, name="formlab-app", daemon=True)
            self._thread.start()
        self._jobs.put((source, name, run))

    def _work(self) -> None:
        while True:
            source, name, run = self._jobs.get()
            try:
                self._run(source, name, run)
            finally:
                self._finished.set()

    def wait(self, timeout_s: float | None = None) -> None:
        """Until the analysis running in the background has finished (tests, benchmarks)."""
        self._finished.wait(timeout_s)

    def _run(self, source: Path, name: str, run: Path) -> None:
        start = time.perf_counter()
        done = threading.Event()
        if self.background:
            threading.Thread(target=self._tick, args=(done,), daemon=True).start()
        try:
            self._analyse(source, name, run, start)
        finally:
            done.set()

    def _analyse(self, source: Path, name: str, run: Path, start: float) -> None:
        try:
            result = run_analysis(
                source,
                self.lift.value,
                run,
                name=name,
                thresholds=self.thresholds_path,
                report=self._report,
                cache=self.session.settings.cache,
            )
        except BaseException as e:  # one line on the page; the details in the log
            if not isinstance(e, FormlabError):
                log.exception("formlab app: analysis of %s failed", name)
            names = {str(source): name, str(self.thresholds_path): "the thresholds file"}
            self.show_error(one_line_error(e, names))
            self._set_busy(False)
            return
        self.seconds = time.perf_counter() - start
        self.result = result
        self._report(1.0, f"Done in {self.seconds:.1f} s")
        self._set_busy(
            False
        )  # before the result shows: a page showing a result takes the next file
        self.output.children = self._result_widgets(result)

    # ------------------------------------------------------------------ the result
    def _url(self, path: Path) -> str:
        return self.session.url_of(path) or path.as_uri()

    def _result_widgets(self, result: RunResult) -> tuple[w.Widget, ...]:
        a, out = result.analysis, result.outputs
        run = html.escape(result.outputs.parent.name)  # tells one result from the next in a page
        parts = [f'<h2 class="formlab-count" data-run="{run}">{html.escape(view.headline(a))}</h2>']
        media = out / (ANNOTATED_VIDEO if result.kind == "video" else ANNOTATED_IMAGE)
        if media.is_file():
            parts.append(
                view.video_html(self._url(media))
                if result.kind == "video"
                else view.image_html(self._url(media), "the photo with its verdicts")
            )
        size = size_in_words(result.zip_path.stat().st_size)
        parts.append(view.download_html(self._url(result.zip_path), result.zip_path.name, size))
        head = w.HTML("".join(parts))
        head.add_class("formlab-head")
        if not isinstance(a, Analysis):  # a photo
            verdicts = w.HTML(view.section("Verdicts", view.photo_verdicts_html(a)))
            return (head, verdicts)
        checks = checks_of(a.feedback)
        table = w.HTML(view.section("Reps", view.rep_table_html(a.reps, checks)))
        verdicts = w.HTML(view.section("Each rep's form", view.rep_verdicts_html(a.reps, checks)))
        figures = "".join(
            view.image_html(self._url(out / f), f.replace("_", " ").removesuffix(".png"))
            for f in FIGURES.values()
            if (out / f).is_file()
        )
        figs = w.HTML(view.section("Bar path", figures)) if figures else w.HTML("")
        for x in (table, verdicts, figs):
            x.add_class("formlab-part")
        return (head, table, verdicts, figs)
