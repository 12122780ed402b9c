"""``formlab app``'s command line and server set-up, without starting a server."""

import re
import socket

import pytest

from formlab.app.server import SERVED_FILES, app_urls, serve, voila_command
from formlab.cli.main import build_parser, main
from formlab.core.errors import ConfigError


def test_the_command_and_its_defaults():
    args = build_parser().parse_args(["app"])
    assert (args.host, args.port, args.no_browser, args.cache) == ("127.0.0.1", 8866, False, False)
    assert args.max_upload_mb == 1024
    args = build_parser().parse_args(["app", "--port", "9000", "--no-browser", "--host", "0.0.0.0"])
    assert (args.host, args.port, args.no_browser) == ("0.0.0.0", 9000, True)


def test_help_names_the_risk_of_opening_the_app(capsys):
    with pytest.raises(SystemExit):
        main(["app", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "0.0.0.0" in text and "no login" in text and "--max-upload-mb" in text


def test_voila_is_started_on_the_chosen_address_without_its_own_browser(tmp_path):
    cmd = voila_command(tmp_path / "formlab.ipynb", "127.0.0.1", 8899)
    assert "--port=8899" in cmd and "--Voila.ip=127.0.0.1" in cmd and "--no-browser" in cmd
    assert "--Voila.port_retries=0" in cmd  # the address printed is the one served
    assert f"--VoilaConfiguration.file_allowlist={SERVED_FILES}" in cmd


@pytest.mark.parametrize(
    ("path", "served"),
    [
        ("sessions/" + "a" * 32 + "/run-2/results/annotated.mp4", True),
        ("sessions/" + "a" * 32 + "/run-2/formlab-clip.zip", True),
        ("sessions/" + "a" * 32 + "/run-2/results/bar_path.png", True),
        ("sessions/" + "a" * 32 + "/run-2/upload/clip.mp4", False),
        ("sessions/" + "a" * 32 + "/run-2/results/worst_frames/worst_depth_frame3.png", False),
        ("sessions/" + "a" * 32 + "/thresholds/mine.toml", False),
        ("sessions/" + "a" * 32 + "/.pid", False),
        ("formlab.ipynb", False),
        ("voila.json", False),
    ],
)
def test_only_session_results_are_served(path, served):
    assert bool(re.fullmatch(SERVED_FILES, path)) is served


def test_urls_of_a_local_and_an_open_server():
    assert app_urls("127.0.0.1", 8866) == ["http://127.0.0.1:8866/"]
    urls = app_urls("0.0.0.0", 8866)
    assert urls[0] == "http://127.0.0.1:8866/" and all(u.endswith(":8866/") for u in urls)


def test_a_port_in_use_is_one_line_naming_it():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(ConfigError, match=rf"127\.0\.0\.1:{port} is in use.*--port"):
            serve("127.0.0.1", port, open_browser=False)


@pytest.mark.parametrize(
    ("port", "limit", "match"), [(0, 10, "--port 0"), (8866, 0, "--max-upload-mb 0")]
)
def test_bad_options_are_refused(port, limit, match):
    with pytest.raises(ConfigError, match=match):
        serve("127.0.0.1", port, open_browser=False, max_upload_mb=limit)


def test_the_app_writes_what_formlab_analyze_writes_by_default():
    """The app saves with DEFAULT_WRITERS / PHOTO_WRITERS: the same outputs as the command's defaults."""
    from formlab.cli.analyze import _writers_for
    from formlab.outputs import DEFAULT_WRITERS, PHOTO_WRITERS

    def stages(writers):
        return [getattr(w, "stage", w.__name__) for w in writers]

    args = build_parser().parse_args(["analyze", "x.mp4", "-o", "out"])
    assert stages(_writers_for(args, "video")) == stages(DEFAULT_WRITERS)
    assert stages(_writers_for(args, "image")) == stages(PHOTO_WRITERS)


def test_sigterm_stops_the_app_with_the_apps_own_words(monkeypatch, capsys):
    # SIGTERM raises _Terminated in the main thread (formlab.cli.main); the app writes no results,
    # so analyze's "no output was written" would mislead (issue 14)
    import importlib

    from formlab.cli import app as app_cli

    main_module = importlib.import_module(
        "formlab.cli.main"
    )  # the package exports main, the function

    def stopped(args):
        raise main_module._Terminated

    monkeypatch.setattr(app_cli, "cmd_app", stopped)
    assert main(["app", "--no-browser"]) == main_module.EXIT_TERMINATED
    err = capsys.readouterr().err
    assert "formlab app stopped" in err and "no output was written" not in err
