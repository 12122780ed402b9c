"""The pose track: formlab's one shared data object.

A :class:`PoseTrack` holds the 33 BlazePose landmarks of one person over the
frames of a video (or the single frame of an image): image coordinates in
pixels, MediaPipe's relative depth, visibility and presence, world coordinates
in metres, and the time of every frame. Frames in which no pose was found stay
in the track as NaN, so that frame ``i`` of the track is always frame
``track.frame[i]`` of the source and gaps are visible, never silently closed.

Every processing function in formlab takes a track (or plain arrays) and
returns a new one; the steps applied are appended to ``track.meta.provenance``
so that a saved table or a figure can say how it was made.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, OutputError
from .files import atomic_path, atomic_write, check_writable_dir
from .landmarks import LANDMARK_NAMES, N_LANDMARKS, landmark_index

TIDY_COLUMNS: tuple[str, ...] = (
    "frame",
    "time_s",
    "landmark",
    "x_px",
    "y_px",
    "z",
    "visibility",
    "presence",
    "world_x_m",
    "world_y_m",
    "world_z_m",
)
"""Columns of :meth:`PoseTrack.to_frame`, in order."""

FORMAT_VERSION = 1


@dataclass(frozen=True)
class TrackMeta:
    """What a pose track was made from and how.

    Attributes
    ----------
    source : str
        Path (or name) of the image or video.
    source_sha256 : str
        SHA-256 of the source file's bytes ("" when unknown).
    fps : float
        Nominal frame rate of the video (frames per second); NaN for images.
        Use ``PoseTrack.time_s`` for timing: phone videos often have a
        variable frame rate.
    width_px, height_px : int
        Frame size *as displayed*, i.e. after applying the rotation metadata.
    rotation_deg : int
        Counter-clockwise rotation that was applied to the decoded frames
        (from the container's display matrix or the image's EXIF orientation).
    model_variant : str
        ``"lite"``, ``"full"``, ``"heavy"`` or ``"custom"``.
    model_sha256 : str
        SHA-256 of the model bundle used.
    formlab_version, mediapipe_version : str
        Versions of the software that produced the landmarks.
    options : dict
        The extraction options (see :class:`formlab.ExtractOptions`).
    person_selection : str
        How the one person in the track was chosen when more than one could be seen.
    provenance : tuple of dict
        Processing steps applied after extraction, oldest first, each
        ``{"step": name, "params": {...}}``.
    warnings : tuple of str
        What extraction noticed that makes the result less than complete
        (e.g. a video that decodes to fewer frames than it declares).
    shot_starts : tuple of int
        Frame numbers where an edited video cuts to another camera shot
        (:func:`formlab.pose.cuts.find_cuts`); empty for one continuous shot. Image positions
        are comparable only within a shot.
    """

    source: str = ""
    source_sha256: str = ""
    fps: float = float("nan")
    width_px: int = 0
    height_px: int = 0
    rotation_deg: int = 0
    model_variant: str = ""
    model_sha256: str = ""
    formlab_version: str = ""
    mediapipe_version: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    person_selection: str = ""
    provenance: tuple[Mapping[str, Any], ...] = ()
    warnings: tuple[str, ...] = ()
    shot_starts: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The metadata as a plain JSON-serialisable dict."""
        d = dataclasses.asdict(self)
        d["options"] = dict(self.options)
        d["provenance"] = [dict(p) for p in self.provenance]
        d["warnings"] = list(self.warnings)
        d["shot_starts"] = [int(f) for f in self.shot_starts]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TrackMeta:
        """Metadata from :meth:`to_dict`'s output (unknown keys are ignored, for files of older versions)."""
        known = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        if "provenance" in kw:
            kw["provenance"] = tuple(kw["provenance"])
        for name in ("warnings", "shot_starts"):
            if name in kw:
                kw[name] = tuple(kw[name])
        if kw.get("fps") is None:
            kw["fps"] = float("nan")
        return cls(**kw)


def _as_array(a: Any, shape: tuple[int, ...], name: str, dtype=np.float64) -> np.ndarray:
    arr = np.asarray(a, dtype=dtype)
    if arr.shape != shape:
        raise ValueError(f"PoseTrack.{name} must have shape {shape}, got {arr.shape}")
    arr = np.ascontiguousarray(arr)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class PoseTrack:
    """One person's 33 landmarks over time.

    Parameters
    ----------
    xy_px : ndarray, shape (n_frames, 33, 2)
        Image x (to the right) and y (downwards) in pixels of the displayed frame.
    z : ndarray, shape (n_frames, 33)
        MediaPipe's relative depth of the image landmarks: the hip midpoint is 0,
        smaller is closer to the camera, on roughly the same scale as x in
        normalised image units (multiply by ``width_px`` for pixels). Noisy; do
        not use it for distances.
    visibility, presence : ndarray, shape (n_frames, 33)
        MediaPipe's probabilities that the landmark is visible (not occluded)
        and present in the frame.
    world_m : ndarray, shape (n_frames, 33, 3)
        World landmarks in metres, origin at the hip midpoint *of each frame*,
        axes aligned with the camera's: x to the right of the picture, y down,
        z away from the camera (negative is nearer). Good for joint angles and
        body-relative directions; useless for how the
        body or the bar moves through the room, because every frame is
        re-centred on the hips.
    time_s : ndarray, shape (n_frames,)
        Presentation time of each frame in seconds (real timestamps, so
        variable-frame-rate videos are handled); 0 for a single image.
    frame : ndarray of int, shape (n_frames,)
        0-based index of each frame among the decoded frames of the source.
    meta : TrackMeta
        Source, model, versions, options and provenance.

    Notes
    -----
    Arrays are read-only; use :meth:`replace` to derive a new track.
    A frame without a detected pose has NaN in every landmark array.
    """

    xy_px: np.ndarray
    z: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    world_m: np.ndarray
    time_s: np.ndarray
    frame: np.ndarray
    meta: TrackMeta = field(default_factory=TrackMeta)

    def __post_init__(self) -> None:
        n = int(np.asarray(self.time_s).shape[0]) if np.ndim(self.time_s) == 1 else -1
        if n < 0:
            raise ValueError("PoseTrack.time_s must be one-dimensional")
        L = N_LANDMARKS
        object.__setattr__(self, "xy_px", _as_array(self.xy_px, (n, L, 2), "xy_px"))
        object.__setattr__(self, "z", _as_array(self.z, (n, L), "z"))
        object.__setattr__(self, "visibility", _as_array(self.visibility, (n, L), "visibility"))
        object.__setattr__(self, "presence", _as_array(self.presence, (n, L), "presence"))
        object.__setattr__(self, "world_m", _as_array(self.world_m, (n, L, 3), "world_m"))
        object.__setattr__(self, "time_s", _as_array(self.time_s, (n,), "time_s"))
        object.__setattr__(self, "frame", _as_array(self.frame, (n,), "frame", dtype=np.int64))

    # ------------------------------------------------------------------ basics
    @classmethod
    def empty(
        cls, time_s: np.ndarray, frame: np.ndarray, meta: TrackMeta | None = None
    ) -> PoseTrack:
        """A track of the given frames with no pose in any of them (all NaN)."""
        n = len(time_s)
        nan = np.full
        return cls(
            xy_px=nan((n, N_LANDMARKS, 2), np.nan),
            z=nan((n, N_LANDMARKS), np.nan),
            visibility=nan((n, N_LANDMARKS), np.nan),
            presence=nan((n, N_LANDMARKS), np.nan),
            world_m=nan((n, N_LANDMARKS, 3), np.nan),
            time_s=time_s,
            frame=frame,
            meta=meta or TrackMeta(),
        )

    @property
    def n_frames(self) -> int:
        """Number of frames (rows) in the track."""
        return int(self.time_s.shape[0])

    def __len__(self) -> int:
        return self.n_frames

    @property
    def detected(self) -> np.ndarray:
        """Boolean mask of frames in which a pose was found, shape (n_frames,)."""
        return np.isfinite(self.xy_px).all(axis=(1, 2))

    @property
    def xy_norm(self) -> np.ndarray:
        """Image coordinates normalised to [0, 1] by the frame width and height."""
        return self.xy_px / np.array([self.meta.width_px, self.meta.height_px], dtype=float)

    @property
    def fps(self) -> float:
        """Frame rate estimated from the timestamps (median), or the nominal rate."""
        if self.n_frames >= 2:
            dt = np.diff(self.time_s)
            dt = dt[np.isfinite(dt) & (dt > 0)]
            if dt.size:
                return float(1.0 / np.median(dt))
        return float(self.meta.fps)

    def landmark_xy_px(self, name: str | int) -> np.ndarray:
        """Image x/y in pixels of one landmark, shape (n_frames, 2)."""
        return self.xy_px[:, landmark_index(name), :]

    def landmark_world_m(self, name: str | int) -> np.ndarray:
        """World x/y/z in metres of one landmark, shape (n_frames, 3)."""
        return self.world_m[:, landmark_index(name), :]

    def replace(
        self, step: str | None = None, params: Mapping[str, Any] | None = None, **changes: Any
    ) -> PoseTrack:
        """Return a copy with some arrays replaced, recording ``step`` in the provenance.

        Parameters
        ----------
        step : str, optional
            Name of the processing step (e.g. ``"one_euro_filter"``).
        params : dict, optional
            Its parameters, stored with it (must be JSON-serialisable).
        **changes
            New values for any of the dataclass fields.
        """
        meta = changes.pop("meta", self.meta)
        if step is not None:
            entry = {"step": step, "params": dict(params or {})}
            meta = dataclasses.replace(meta, provenance=(*tuple(meta.provenance), entry))
        return dataclasses.replace(self, meta=meta, **changes)

    def select_frames(self, index: np.ndarray | slice) -> PoseTrack:
        """A track with a subset of frames (a slice, integer index or boolean mask)."""
        return dataclasses.replace(
            self,
            xy_px=self.xy_px[index],
            z=self.z[index],
            visibility=self.visibility[index],
            presence=self.presence[index],
            world_m=self.world_m[index],
            time_s=self.time_s[index],
            frame=self.frame[index],
        )

    def __repr__(self) -> str:
        m = self.meta
        return (
            f"PoseTrack({self.n_frames} frames, {int(self.detected.sum())} with a pose, "
            f"{m.width_px}x{m.height_px} px, source={Path(m.source).name!r}, model={m.model_variant!r})"
        )

    # ------------------------------------------------------------ tidy table
    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per frame and landmark.

        Columns are :data:`TIDY_COLUMNS`: ``frame, time_s, landmark, x_px,
        y_px, z, visibility, presence, world_x_m, world_y_m, world_z_m``.
        Landmark names are MediaPipe's (``left_shoulder``). Frames without a
        pose keep their rows, with NaN values.
        """
        n, L = self.n_frames, N_LANDMARKS
        return pd.DataFrame(
            {
                "frame": np.repeat(self.frame, L),
                "time_s": np.repeat(self.time_s, L),
                "landmark": pd.Categorical(
                    np.tile(np.array(LANDMARK_NAMES, dtype=object), n), categories=LANDMARK_NAMES
                ),
                "x_px": self.xy_px[:, :, 0].ravel(),
                "y_px": self.xy_px[:, :, 1].ravel(),
                "z": self.z.ravel(),
                "visibility": self.visibility.ravel(),
                "presence": self.presence.ravel(),
                "world_x_m": self.world_m[:, :, 0].ravel(),
                "world_y_m": self.world_m[:, :, 1].ravel(),
                "world_z_m": self.world_m[:, :, 2].ravel(),
            },
            columns=list(TIDY_COLUMNS),
        )

    @classmethod
    def from_frame(cls, df: pd.DataFrame, meta: TrackMeta | None = None) -> PoseTrack:
        """Rebuild a track from the tidy table of :meth:`to_frame`.

        Raises
        ------
        InputError
            If columns are missing or landmark names are unknown.
        """
        missing = [c for c in TIDY_COLUMNS if c not in df.columns]
        if missing:
            raise InputError(
                f"pose table lacks the columns {missing}; expected {list(TIDY_COLUMNS)}"
            )
        names = df["landmark"].astype(str)
        unknown = sorted(set(names) - set(LANDMARK_NAMES))
        if unknown:
            raise InputError(f"pose table has unknown landmark names {unknown[:5]}")
        lm = names.map({n: i for i, n in enumerate(LANDMARK_NAMES)}).to_numpy()
        frames, inv = np.unique(df["frame"].to_numpy(dtype=np.int64), return_inverse=True)
        n = len(frames)
        if len(df) != n * N_LANDMARKS:
            raise InputError(
                f"pose table has {len(df)} rows; expected {N_LANDMARKS} per frame for {n} frames"
            )

        def grid(col: str) -> np.ndarray:
            out = np.full((n, N_LANDMARKS), np.nan)
            out[inv, lm] = df[col].to_numpy(dtype=float)
            return out

        time_s = np.full(n, np.nan)
        time_s[inv] = df["time_s"].to_numpy(dtype=float)
        return cls(
            xy_px=np.stack([grid("x_px"), grid("y_px")], axis=-1),
            z=grid("z"),
            visibility=grid("visibility"),
            presence=grid("presence"),
            world_m=np.stack([grid("world_x_m"), grid("world_y_m"), grid("world_z_m")], axis=-1),
            time_s=time_s,
            frame=frames,
            meta=meta or TrackMeta(),
        )

    # ------------------------------------------------------------ save / load
    def save(self, path: str | os.PathLike) -> Path:
        """Write the tidy table to ``.parquet`` or ``.csv`` (chosen by suffix).

        Parquet files carry the metadata inside; a CSV gets a JSON sidecar
        ``<name>.csv.json``. Files are written to a temporary name and moved
        into place, so an interrupted save never leaves a partial file.
        Floats are written with full precision: ``load_track(save(t))`` gives
        back exactly the same numbers.
        """
        return save_track(self, path)


def _meta_json(meta: TrackMeta) -> str:
    return json.dumps(
        {"format": "formlab.PoseTrack", "format_version": FORMAT_VERSION, "meta": meta.to_dict()},
        allow_nan=True,
        default=_json_default,
    )


def _json_default(o: Any) -> Any:
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"cannot store {type(o).__name__} in track metadata")


def sidecar_path(path: Path) -> Path:
    """The JSON sidecar holding a CSV track's metadata: ``track.csv`` -> ``track.csv.json``."""
    return path.with_name(path.name + ".json")


def save_track(track: PoseTrack, path: str | os.PathLike) -> Path:
    """Save a track; see :meth:`PoseTrack.save`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise OutputError(
            f"{path}: unsupported output format {path.suffix!r}; use .csv or .parquet"
        )
    check_writable_dir(path.parent, for_file=path)
    df = track.to_frame()
    meta = _meta_json(track.meta)
    if suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), b"formlab": meta.encode()}
        )
        atomic_write(path, lambda tmp: pq.write_table(table, tmp))
    else:
        # Both files are written in full before either is moved into place, the table first and
        # its sidecar second: a table that cannot be written (a folder of that name, a full disk)
        # leaves no stray sidecar behind, and a sidecar that cannot be written no bare table.
        with atomic_path(sidecar_path(path)) as tmp_json:
            tmp_json.write_text(meta)
            with atomic_path(path) as tmp_csv:
                # repr-precision floats ("%.17g") make the CSV lossless for float64.
                df.to_csv(tmp_csv, index=False, float_format="%.17g")
    return path


def load_track(path: str | os.PathLike) -> PoseTrack:
    """Load a track written by :func:`save_track` (``.parquet``, or ``.csv`` + sidecar).

    A CSV without its sidecar loads with empty metadata.

    Raises
    ------
    InputError
        If the file is missing, unreadable or not a formlab pose table.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            raw = (table.schema.metadata or {}).get(b"formlab")
            df = table.to_pandas()
            meta_doc = json.loads(raw) if raw else None
        elif suffix == ".csv":
            df = pd.read_csv(path)  # pandas' default parser reads "%.17g" floats back exactly
            side = sidecar_path(path)
            meta_doc = json.loads(side.read_text()) if side.is_file() else None
        else:
            raise InputError(
                f"{path}: unsupported pose-track format {path.suffix!r}; use .csv or .parquet"
            )
    except InputError:
        raise
    except Exception as e:  # pyarrow/pandas raise many kinds
        raise InputError(f"{path}: not a readable pose table ({type(e).__name__}: {e})") from None
    try:
        meta = TrackMeta.from_dict(meta_doc["meta"]) if meta_doc else TrackMeta(source=str(path))
        return PoseTrack.from_frame(df, meta)
    except InputError as e:  # the table's own complaint, said of this file
        raise InputError(f"{path}: {e}") from None
    except Exception as e:  # a cut file: rows or columns missing, a sidecar of another shape
        raise InputError(f"{path}: not a complete pose table ({type(e).__name__}: {e})") from None
