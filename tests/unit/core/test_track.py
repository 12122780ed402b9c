"""PoseTrack: tidy table, lossless save/load, atomic writes, clear errors."""

import numpy as np
import pandas as pd
import pytest

from formlab import InputError, OutputError, PoseTrack, TrackMeta, load_track
from formlab.core.track import TIDY_COLUMNS, sidecar_path


def make_track(n=5, seed=0, missing=(2,)):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 500, (n, 33, 2))
    z = rng.normal(size=(n, 33))
    vis = rng.uniform(size=(n, 33))
    pres = rng.uniform(size=(n, 33))
    world = rng.normal(scale=0.5, size=(n, 33, 3))
    for i in missing:
        xy[i] = z[i] = vis[i] = pres[i] = world[i] = np.nan
    t = np.cumsum(rng.uniform(0.02, 0.05, n)) - 0.02  # variable frame rate
    meta = TrackMeta(
        source="clip.mp4",
        source_sha256="ab" * 32,
        fps=30.0,
        width_px=640,
        height_px=480,
        model_variant="full",
        model_sha256="cd" * 32,
        options={"stride": 1},
        provenance=({"step": "x", "params": {"a": 1}},),
    )
    return PoseTrack(xy, z, vis, pres, world, t, np.arange(n) * 2 + 3, meta)


def test_to_frame_is_tidy():
    tr = make_track()
    df = tr.to_frame()
    assert list(df.columns) == list(TIDY_COLUMNS)
    assert len(df) == 5 * 33
    row = df[(df.frame == tr.frame[1]) & (df.landmark == "left_shoulder")].iloc[0]
    assert row.x_px == tr.xy_px[1, 11, 0] and row.world_z_m == tr.world_m[1, 11, 2]
    assert df[df.frame == tr.frame[2]][["x_px", "visibility", "world_x_m"]].isna().all().all()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_save_load_round_trip_is_lossless(tmp_path, suffix):
    tr = make_track()
    path = tr.save(tmp_path / f"track{suffix}")
    back = load_track(path)
    for name in ("xy_px", "z", "visibility", "presence", "world_m", "time_s", "frame"):
        np.testing.assert_array_equal(getattr(back, name), getattr(tr, name), err_msg=name)
    assert back.meta == tr.meta
    if suffix == ".csv":
        assert sidecar_path(path).is_file()
        assert pd.read_csv(path).columns.tolist() == list(TIDY_COLUMNS)


def test_arrays_are_read_only_and_replace_records_provenance():
    tr = make_track()
    with pytest.raises(ValueError):
        tr.xy_px[0, 0, 0] = 1.0
    tr2 = tr.replace(step="shift", params={"dx_px": 1}, xy_px=tr.xy_px + 1)
    assert tr2.meta.provenance[-1] == {"step": "shift", "params": {"dx_px": 1}}
    assert len(tr.meta.provenance) == 1  # original untouched
    assert tr2.select_frames(tr2.detected).n_frames == 4


def test_shape_errors_are_clear():
    tr = make_track()
    with pytest.raises(ValueError, match="xy_px must have shape"):
        PoseTrack(
            tr.xy_px[:, :10], tr.z, tr.visibility, tr.presence, tr.world_m, tr.time_s, tr.frame
        )


def test_failed_save_leaves_no_file(tmp_path, monkeypatch):
    tr = make_track()

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(KeyboardInterrupt):
        tr.save(tmp_path / "t.csv")
    assert list(tmp_path.iterdir()) == []


def test_read_only_folder_is_a_clear_error(readonly_dir):
    with pytest.raises(OutputError, match="read-only.*not writable"):
        make_track().save(readonly_dir / "t.parquet")
    assert list(readonly_dir.iterdir()) == []


def test_load_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_track(tmp_path / "nope.csv")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match="bad.parquet"):
        load_track(bad)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="lacks the columns"):
        load_track(wrong)
    with pytest.raises(OutputError, match="unsupported output format"):
        make_track().save(tmp_path / "t.xlsx")


def test_saved_files_get_the_usual_permissions(tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        path = make_track().save(tmp_path / "t.csv")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644
