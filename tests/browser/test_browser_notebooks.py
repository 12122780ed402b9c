"""The notebooks in a real browser: JupyterLab on loopback, Debian's Chromium, Playwright.

What nbclient cannot show: that the notebook runs from JupyterLab's own
menus, that its figures and tables render in the page, and that a user's key
press on a widget reaches the kernel and redraws the output. Screenshots go
to ``tests/output/test_browser_notebooks/<test>/``.

The harness (server, browser, notebook actions) is ``tests/browser_harness.py``.
Two small notebooks written by the tests themselves check the harness actions
on their own (a slider moved with the keyboard re-renders text and plot; an
embedded H.264 MP4 plays); then notebook 5's threshold tuner is driven with
the keyboard (a threshold slider and the prominence slider change the failing
counts, the plots and the reps).

Notebooks 1 and 3 are not executed again here: the notebooks run once per test
run (the ``colab_notebooks`` fixture, an emulated Colab, see
``support/colab_run.py``), and these tests open that run's executed copies in
JupyterLab to check what only a browser shows: notebook 1's figures and tables
render, notebook 3's annotated video plays. Notebook 5 is run from Lab's menu,
since its widgets need a live kernel.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from support.browser_harness import LabNotebook, browser, lab_server, test_output_dir  # noqa: F401 (fixtures)
from support.notebook_helpers import check_png, expected_figures, notebook_paths

pytestmark = [pytest.mark.browser, pytest.mark.media]

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def executed_copy(colab_notebooks, lab_server, name: str) -> str:
    """Put this run's executed ``name`` into Lab's folder (on Lab's own Python kernel); its file name there."""
    executed = nbformat.read(colab_notebooks.runs[name].executed_path, as_version=4)
    executed.metadata["kernelspec"] = KERNELSPEC
    copy = f"executed_{name}"
    nbformat.write(executed, lab_server.root / copy)
    return copy


def test_notebook_1_shows_its_figures_and_tables(
    colab_notebooks, lab_server, browser, test_output_dir
):
    name = "01_pose_on_images.ipynb"
    (path,) = [p for p in notebook_paths() if p.name == name]
    figures = expected_figures(path)
    nb = LabNotebook.open(browser, lab_server, executed_copy(colab_notebooks, lab_server, name))
    try:
        assert len(nb.prompts()) > 1 and all(p.strip() not in ("[ ]:", "") for p in nb.prompts())
        assert nb.error_texts() == []
        images = nb.output_images()
        assert images.count() == len(figures), (
            f"{images.count()} plots shown, {len(figures)} figures saved"
        )
        widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
        assert all(w > 100 for w in widths), f"plots not (fully) rendered: natural widths {widths}"
        for figure in figures:
            check_png(colab_notebooks.figures / figure)
        tables = nb.notebook.locator(".jp-OutputArea-output table")
        assert tables.count() == 2  # the tidy table and the pixels-versus-metres table
        assert "left_shoulder" in tables.first.inner_text()

        nb.screenshot(images.nth(0), test_output_dir / "landmarks_on_photos.png")
        nb.screenshot(images.nth(2), test_output_dir / "world_landmarks_3d.png")
        nb.screenshot(tables.first, test_output_dir / "tidy_table.png")
        nb.page.screenshot(path=str(test_output_dir / "page_end.png"))
    finally:
        nb.close()


SLIDER_NOTEBOOK = [
    new_markdown_cell(
        "Harness check: an ipywidgets slider redraws a printed count and an inline PNG plot."
    ),
    new_code_cell(
        "import ipywidgets as widgets\n"
        "import matplotlib.pyplot as plt\n"
        "from IPython.display import display\n"
        "\n"
        "VALUES = [0.05 * i for i in range(21)]\n"
        "slider = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.1, description='threshold')\n"
        "\n"
        "def show(threshold):\n"
        "    print(f'threshold={threshold:.1f} above={sum(v > threshold + 1e-9 for v in VALUES)}')\n"
        "    fig, ax = plt.subplots(figsize=(3, 2))\n"
        "    ax.plot(VALUES)\n"
        "    ax.axhline(threshold, color='red')\n"
        "    plt.show()\n"
        "\n"
        "display(widgets.VBox([slider, widgets.interactive_output(show, {'threshold': slider})]))"
    ),
]


def test_harness_moves_a_slider_and_the_kernel_redraws(lab_server, browser, test_output_dir):
    """The keyboard reaches an ipywidgets slider and the kernel re-renders text and plot (for notebook 5)."""
    name = "harness_slider.ipynb"
    nbformat.write(
        new_notebook(cells=SLIDER_NOTEBOOK, metadata={"kernelspec": KERNELSPEC}),
        lab_server.root / name,
    )
    nb = LabNotebook.open(browser, lab_server, name)
    try:
        nb.run_all()
        box = nb.notebook.locator(".widget-vbox").first
        slider = nb.sliders().first
        box.locator(".widget-output img").wait_for()
        assert nb.slider_readout(slider) == "0.50"
        assert "threshold=0.5 above=10" in box.inner_text()
        src_before = box.locator(".widget-output img").get_attribute("src")
        nb.screenshot(box, test_output_dir / "slider_before.png")

        nb.press_slider(slider, "ArrowRight", times=2)
        nb.page.wait_for_function(
            "el => el.innerText.includes('threshold=0.7 above=6')",
            arg=box.element_handle(),
            timeout=30_000,
        )
        nb.wait_idle()
        assert nb.slider_readout(slider) == "0.70"
        box.locator(".widget-output img").wait_for()
        assert box.locator(".widget-output img").get_attribute("src") != src_before, (
            "the plot was not redrawn"
        )
        nb.screenshot(box, test_output_dir / "slider_after.png")
        assert nb.error_texts() == []
    finally:
        nb.close()


VIDEO_NOTEBOOK = [
    new_code_cell(
        "import av\n"
        "import numpy as np\n"
        "from IPython.display import Video\n"
        "\n"
        "# 2 s of H.264 (yuv420p), the format formlab's annotated videos use: a bar sweeping across.\n"
        "with av.open('sweep.mp4', 'w') as container:\n"
        "    stream = container.add_stream('libx264', rate=25)\n"
        "    stream.width, stream.height, stream.pix_fmt = 160, 96, 'yuv420p'\n"
        "    for i in range(50):\n"
        "        rgb = np.zeros((96, 160, 3), np.uint8)\n"
        "        rgb[:, 3 * i:3 * i + 12] = (230, 159, 0)\n"
        "        container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format='rgb24')))\n"
        "    container.mux(stream.encode())\n"
        "Video('sweep.mp4', embed=True, width=320)"
    ),
]


def test_harness_plays_an_inline_h264_video(lab_server, browser, test_output_dir):
    """An H.264 MP4 embedded in an output plays in JupyterLab in Chromium (for notebook 3's inline video)."""
    name = "harness_video.ipynb"
    nbformat.write(
        new_notebook(cells=VIDEO_NOTEBOOK, metadata={"kernelspec": KERNELSPEC}),
        lab_server.root / name,
    )
    nb = LabNotebook.open(browser, lab_server, name)
    try:
        nb.run_all()
        assert nb.error_texts() == []
        video = nb.notebook.locator(".jp-OutputArea-output video").first
        state = nb.play_video(video)
        assert state["duration"] == pytest.approx(2.0, abs=0.1)
        assert state["videoWidth"] == 160 and state["readyState"] >= 2
        nb.screenshot(video, test_output_dir / "inline_video.png")
    finally:
        nb.close()


# --------------------------------------------------------------------------- notebook 5: the tuner
TUNER_NOTEBOOK = "05_tuning_thresholds_with_widgets.ipynb"


def _fail_frames(nb, check: str) -> int:
    return int(
        nb.notebook.locator(f".formlab-counts td.fail-frames[data-check='{check}']").inner_text()
    )


def _wait_for_change(nb, locator, attribute: str | None, before: str, timeout_s: float = 60) -> str:
    """Wait until an element's text (or attribute) differs from ``before``; return the new value."""
    js = "([el, attr, before]) => (attr ? el.getAttribute(attr) : el.innerText) !== before"
    nb.page.wait_for_function(
        js, arg=[locator.element_handle(), attribute, before], timeout=timeout_s * 1000, polling=200
    )
    return locator.get_attribute(attribute) if attribute else locator.inner_text()


def _move_slider(nb, slider, presses: int, readout: str) -> None:
    """Press ArrowRight on a slider ``presses`` times and wait until its readout shows ``readout``."""
    nb.press_slider(slider, "ArrowRight", times=presses)
    nb.page.wait_for_function(
        "([el, text]) => el.innerText.trim() === text",
        arg=[slider.locator(".widget-readout").element_handle(), readout],
        timeout=30_000,
    )


LAPTOP_SCREENS = ((1366, 768), (1400, 1000))

_COVERED_READOUTS_JS = """(root) => {
    // The tuner must fit its output area: nothing scrolled sideways, no slider's label or value cut
    // off at the area's edges or covered by another element (the frame image, the next column).
    const area = root.closest('.jp-OutputArea-output') || root.parentElement;
    const bad = [];
    if (area.scrollWidth > area.clientWidth + 1)
        bad.push(`output scrolls sideways: ${area.scrollWidth} px wide in ${area.clientWidth} px`);
    for (const slider of root.querySelectorAll('.widget-slider')) {
        slider.scrollIntoView({block: 'center', inline: 'nearest'});
        area.scrollLeft = 0;
        const box = area.getBoundingClientRect();
        for (const el of slider.querySelectorAll('.widget-label, .widget-readout')) {
            const r = el.getBoundingClientRect();
            const x = r.left + Math.min(r.width / 2, 8), y = r.top + r.height / 2;
            const top = document.elementFromPoint(x, y);
            const name = slider.querySelector('.widget-label')?.innerText;
            if (r.left < box.left - 1 || r.right > box.right + 1)
                bad.push(`${name}: ${el.className} cut off (${Math.round(r.left)}-${Math.round(r.right)} `
                         + `outside ${Math.round(box.left)}-${Math.round(box.right)})`);
            else if (!(top && (top === el || el.contains(top))))
                bad.push(`${name}: ${el.className} covered by ${top ? top.tagName + '.' + top.className : 'nothing'}`);
        }
    }
    return bad;
}"""


def _show_file_browser(page) -> None:
    """Open JupyterLab's file browser in the left sidebar (as most users keep it) if it is closed."""
    if not page.locator("#filebrowser").is_visible():
        page.locator('.jp-SideBar.jp-mod-left [data-id="filebrowser"]').first.click()
    page.locator("#filebrowser").wait_for(state="visible")


def _check_laptop_layout(nb, tuner, test_output_dir) -> None:
    """On a laptop screen with the file browser open, no part of the tuner covers a slider's value."""
    _show_file_browser(nb.page)
    for width, height in LAPTOP_SCREENS:
        nb.page.set_viewport_size({"width": width, "height": height})
        nb.page.wait_for_timeout(300)  # JupyterLab re-lays out on resize
        covered = tuner.evaluate(_COVERED_READOUTS_JS)
        nb.page.screenshot(path=str(test_output_dir / f"tuner_{width}x{height}.png"))
        assert covered == [], f"at {width}x{height} with the file browser open: {covered}"
        assert tuner.locator(".widget-readout").count() >= 10


def test_notebook_5_sliders_change_counts_plots_and_reps(lab_server, browser, test_output_dir):
    """Run notebook 5 from JupyterLab's menu, then move a threshold slider and the prominence slider with the
    keyboard: the failing-frame count, the check's plot and the detected reps change. Then, on laptop
    screens with the file browser open, every slider's value stays in view, covered by nothing."""
    nb = LabNotebook.open(browser, lab_server, TUNER_NOTEBOOK, viewport=(1500, 1900))
    try:
        seconds = nb.run_all()
        assert nb.error_texts() == []
        tuner = nb.notebook.locator(".formlab-tuner").first
        tuner.wait_for()
        elbows_plot = tuner.locator(
            ".formlab-feedback-plot-elbows_up img, img.formlab-feedback-plot-elbows_up"
        ).first
        rep_plot = tuner.locator(".formlab-rep-plot img, img.formlab-rep-plot").first
        rep_count = tuner.locator(".formlab-rep-count").first
        counts = tuner.locator(
            ".formlab-counts"
        ).first  # the widget's own element: its text changes in place
        for el in (elbows_plot, rep_plot, rep_count, counts):
            el.wait_for()
        nb.screenshot(
            tuner.locator(".widget-hbox").first, test_output_dir / "tuner_controls_before.png"
        )
        nb.screenshot(counts, test_output_dir / "counts_before.png")
        nb.screenshot(elbows_plot, test_output_dir / "elbows_plot_before.png")

        # a threshold slider: elbows up, 10 steps of 1 deg to the right (45 -> 55 deg)
        fails_before = _fail_frames(nb, "elbows_up")
        plot_before = elbows_plot.get_attribute("src")
        counts_before = counts.inner_text()
        slider = tuner.locator(".formlab-threshold-elbows_up-max_upper_arm_drop_deg").first
        assert nb.slider_readout(slider) == "45"
        _move_slider(nb, slider, 10, "55")
        _wait_for_change(nb, counts, None, counts_before)
        nb.wait_idle()
        assert elbows_plot.get_attribute("src") != plot_before, "the elbows plot was not redrawn"
        fails_after = _fail_frames(nb, "elbows_up")
        assert fails_after < fails_before, (fails_before, fails_after)
        nb.screenshot(counts, test_output_dir / "counts_after_elbows_55.png")
        nb.screenshot(elbows_plot, test_output_dir / "elbows_plot_after_55.png")

        # the prominence slider: 0.50 -> 1.00 (only turning points as deep as the deepest count)
        reps_before = int(rep_count.inner_text())
        reps_label = tuner.locator(
            ".formlab-reps"
        ).first  # the widget's own element (its content is replaced)
        label_before = reps_label.inner_text()
        rep_plot_before = rep_plot.get_attribute("src")
        prominence = tuner.locator(".formlab-detector-min_prominence_frac").first
        assert nb.slider_readout(prominence) == "0.50"
        _move_slider(nb, prominence, 10, "1.00")
        _wait_for_change(nb, reps_label, None, label_before)
        nb.wait_idle()
        reps_after = int(tuner.locator(".formlab-rep-count").first.inner_text())
        assert (reps_before, reps_after) == (2, 1)
        assert rep_plot.get_attribute("src") != rep_plot_before, "the rep plot was not redrawn"
        nb.screenshot(rep_plot, test_output_dir / "rep_plot_after_prominence_1.png")
        nb.screenshot(
            tuner.locator(".widget-hbox").first, test_output_dir / "tuner_controls_after.png"
        )
        assert nb.error_texts() == []
        _check_laptop_layout(nb, tuner, test_output_dir)
        print(
            f"{TUNER_NOTEBOOK}: Run All took {seconds:.1f} s in JupyterLab; elbows failing frames "
            f"{fails_before} -> {fails_after}; reps {reps_before} -> {reps_after}"
        )
    finally:
        nb.close()


# --------------------------------------------------------------------------- notebook 3: the inline video
VIDEO_NOTEBOOK_3 = "03_video_analysis.ipynb"


def test_notebook_3_inline_video_plays(colab_notebooks, lab_server, browser, test_output_dir):
    """Notebook 3's annotated H.264 video, embedded in the output, plays in JupyterLab in Chromium."""
    import re

    nb = LabNotebook.open(
        browser, lab_server, executed_copy(colab_notebooks, lab_server, VIDEO_NOTEBOOK_3)
    )
    try:
        assert nb.error_texts() == []
        video = nb.notebook.locator(".jp-OutputArea-output video").first
        printed = nb.outputs().filter(has_text="03_annotated_reps.mp4").first.inner_text()
        first, last = map(int, re.search(r"frames (\d+)-(\d+)", printed).groups())
        state = nb.play_video(video)
        fps = 30000 / 1001  # the clip's frame rate (29.97 fps)
        assert state["duration"] == pytest.approx((last - first + 1) / fps, abs=0.15)
        assert state["videoWidth"] == 270 and state["readyState"] >= 2
        nb.screenshot(video, test_output_dir / "annotated_video_playing.png")
        images = nb.output_images()
        assert images.count() >= 2  # the feedback-over-time figure and the worst frames
        nb.screenshot(images.first, test_output_dir / "feedback_over_time.png")
        print(f"{VIDEO_NOTEBOOK_3}: video {state}")
    finally:
        nb.close()
