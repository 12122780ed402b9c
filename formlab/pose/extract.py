"""Pose extraction: images and videos in, :class:`~formlab.PoseTrack` out.

This wraps MediaPipe's ``PoseLandmarker`` (Tasks API) and should feel the same
to someone who knows it: an :class:`ExtractOptions` dataclass, a
:meth:`PoseExtractor.create_from_options` constructor, a context manager that
releases the native graph, and one method per kind of input. What it adds:

* model files are found (or downloaded) by :func:`formlab.models.resolve_model`;
* videos run in VIDEO mode (MediaPipe tracks the person between frames) with
  strictly increasing millisecond timestamps taken from the real frame times;
  images run in IMAGE mode;
* frames are decoded in a background thread, rotated upright and handed over
  as C-contiguous RGB (see :mod:`formlab.media`);
* one person is followed (:mod:`formlab.persons`), the rule and camera cuts recorded;
* the result is one :class:`~formlab.PoseTrack`, with NaN for frames without a
  pose, and the model's SHA-256 and all options in its metadata;
* :func:`extract` caches tracks by content hash, options and model hash, so a
  re-run returns the stored track without inference.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import warnings
from pathlib import Path
from typing import Any, overload

import numpy as np

from .. import _version
from ..core.errors import FormlabWarning, InputError, ModelError
from ..core.files import sha256_file
from ..core.landmarks import N_LANDMARKS
from ..core.track import PoseTrack, TrackMeta
from ..io.cache import computing, load_cached_track, store_cached_track, track_key
from ..io.media import (
    VideoInfo,
    check_image,
    iter_video_frames,
    list_images,
    media_kind,
    probe_video,
    read_image,
)
from ..io.model_check import load_landmarker
from ..io.models import ModelFile, resolve_model
from ..io.samples import resolve_source
from .cuts import find_cuts, frame_signature, is_cut, shot_ranges
from .native import mediapipe_version, quiet_native_stderr
from .options import ExtractOptions
from .persons import (
    choose_lifter,
    find_identity_switches,
    follow_lifter,
    follows_another_person,
    link_people,
    merge_candidates,
)

EXTRACTION_REVISION = 4
"""Bumped whenever a change to this module changes its output, so that cached tracks made by
older code are not reused (part of the cache key, with the formlab and MediaPipe versions)."""


class PoseExtractor:
    """Runs the pose model; use as a context manager (it holds a native graph).

    Examples
    --------
    >>> with PoseExtractor.create_from_options(ExtractOptions(model="full")) as ex:  # doctest: +SKIP
    ...     track = ex.extract_video("squat.mp4")
    """

    def __init__(
        self, options: ExtractOptions | None = None, model_file: ModelFile | None = None
    ) -> None:
        self.options = ExtractOptions.coerce(options)
        self.model_file = model_file or resolve_model(self.options.model)
        self._landmarkers: dict[tuple[str, int], Any] = {}
        self._warmed: set[int] = set()

    @classmethod
    def create_from_options(cls, options: ExtractOptions) -> PoseExtractor:
        """An extractor with these options (MediaPipe's constructor style)."""
        return cls(options)

    # ------------------------------------------------------------- lifecycle
    def __enter__(self) -> PoseExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release every MediaPipe graph this extractor created."""
        for lm in self._landmarkers.values():
            with contextlib.suppress(Exception), quiet_native_stderr():
                lm.close()
        self._landmarkers.clear()
        self._warmed.clear()

    def _landmarker(self, mode: str, num_poses: int, fresh: bool = False):
        from mediapipe.tasks.python import vision

        key = (mode, num_poses)
        if fresh and key in self._landmarkers:
            old = self._landmarkers.pop(key)
            # a new landmarker may get the old one's id: it must not count as warmed up
            self._warmed.discard(id(old))
            with contextlib.suppress(Exception):
                old.close()
        if key not in self._landmarkers:
            o = self.options
            with quiet_native_stderr():  # a model that does not load: one line naming the file
                self._landmarkers[key] = load_landmarker(
                    self.model_file.path,
                    running_mode=vision.RunningMode.VIDEO
                    if mode == "video"
                    else vision.RunningMode.IMAGE,
                    num_poses=num_poses,
                    min_pose_detection_confidence=float(o.min_pose_detection_confidence),
                    min_pose_presence_confidence=float(o.min_pose_presence_confidence),
                    min_tracking_confidence=float(o.min_tracking_confidence),
                    output_segmentation_masks=False,
                )
        return self._landmarkers[key]

    def _first_call(self, landmarker):
        """Quiet the native logs of a landmarker's first inference (LiteRT loads the model lazily)."""
        if id(landmarker) in self._warmed:
            return contextlib.nullcontext()
        self._warmed.add(id(landmarker))
        return quiet_native_stderr()

    def _meta(self, **kw: Any) -> TrackMeta:
        return TrackMeta(
            model_variant=self.model_file.variant,
            model_sha256=self.model_file.sha256,
            formlab_version=_version.__version__,
            mediapipe_version=mediapipe_version(),
            options=self.options.to_dict(),
            **kw,
        )

    # ------------------------------------------------------------------ images
    def extract_image(
        self, image: str | os.PathLike | np.ndarray, *, source_sha256: str | None = None
    ) -> PoseTrack:
        """Landmarks of the lifter in one image (a one-frame track).

        Parameters
        ----------
        image : path or ndarray
            An image file, or an RGB ``uint8`` array of shape (H, W, 3).

        Returns
        -------
        PoseTrack
            One frame; all NaN if nobody is in the picture. If several people
            are, the lifter is chosen by the rule in :mod:`formlab.persons`
            (``track.meta.person_selection`` says so).
        """
        import mediapipe as mp

        if isinstance(image, np.ndarray):
            rgb, rotation, source, sha = _check_rgb(image), 0, "<array>", ""
        else:
            path = Path(image)
            rgb, rotation = read_image(path)
            source, sha = (
                str(path),
                source_sha256 if source_sha256 is not None else sha256_file(path),
            )
        h, w = rgb.shape[:2]
        lm = self._landmarker("image", max(2, self.options.num_poses))
        with self._first_call(lm):
            result = lm.detect(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
            )
        poses = _result_arrays(result, w, h)
        track = PoseTrack.empty(np.zeros(1), np.zeros(1, dtype=np.int64))
        selection = "no person detected"
        if poses[0].shape[0]:
            people = link_people([poses[0]], np.zeros(1), (w, h))
            person, selection = choose_lifter(people)
            assert person is not None  # the image has a pose, so someone is chosen
            track = _fill_track(track, [(0, person.poses[0])], [poses])
        meta = self._meta(
            source=source,
            source_sha256=sha,
            width_px=w,
            height_px=h,
            rotation_deg=rotation,
            person_selection=selection,
        )
        return track.replace(meta=meta)

    # ------------------------------------------------------------------ videos
    def extract_video(
        self, path: str | os.PathLike, *, progress: bool = True, source_sha256: str | None = None
    ) -> PoseTrack:
        """Landmarks of the lifter in every analysed frame of a video.

        Frames are streamed (memory does not grow with the video's length).
        Frames without a pose are NaN in the track. See :class:`ExtractOptions`
        for the range, stride and how one person is followed.

        Raises
        ------
        InputError
            Missing, unreadable, corrupt or empty video (the message names it).
        """
        path = Path(path)
        info = probe_video(path)
        o = self.options
        sha = source_sha256 if source_sha256 is not None else sha256_file(path)
        selection = "one person followed by MediaPipe's tracker (num_poses=1)"
        check = o.num_poses == 1 and o.check_person_switch
        frames, times, per_frame, signatures, samples = self._run_video(
            path, info, o.num_poses, progress, keep_samples=check
        )
        if not frames:
            raise InputError(
                f"{path}: no frames in the requested range "
                f"(start_frame={o.start_frame}, end_frame={o.end_frame}, video has {info.n_frames})"
            )
        time_s = np.asarray(times, dtype=float)
        cuts = find_cuts(np.asarray(signatures))
        shots = shot_ranges(len(frames), cuts)
        size = (info.width_px, info.height_px)
        track_idx = [(i, 0) for i, p in enumerate(per_frame) if p[0].shape[0]]
        reason = self._rerun_reason(frames, per_frame, time_s, cuts, samples, size) if check else ""
        if reason:
            frames2, _, per_frame2, _, _ = self._run_video(path, info, 2, progress)
            if frames2 != frames:  # cannot happen for a file that did not change between passes
                raise InputError(f"{path}: the video decoded differently on a second pass")
            per_frame = [merge_candidates(a, b) for a, b in zip(per_frame, per_frame2)]
            track_idx, why = follow_lifter([p[0] for p in per_frame], time_s, size, shots)
            selection = f"{reason}; re-ran with num_poses=2 and linked both passes: {why}"
        elif o.num_poses > 1:
            track_idx, selection = follow_lifter([p[0] for p in per_frame], time_s, size, shots)
        if cuts.size:
            selection += f" (camera cuts before frames {', '.join(str(frames[i]) for i in cuts)})"
        track = PoseTrack.empty(time_s, np.asarray(frames, dtype=np.int64))
        track = _fill_track(track, track_idx, per_frame)
        notes = _truncation_warnings(info, frames, o)
        for note in notes:
            warnings.warn(f"{path}: {note}", FormlabWarning, stacklevel=2)
        meta = self._meta(
            source=str(path),
            source_sha256=sha,
            fps=info.fps,
            width_px=info.width_px,
            height_px=info.height_px,
            rotation_deg=info.rotation_deg,
            person_selection=selection,
            warnings=tuple(notes),
            shot_starts=tuple(int(frames[i]) for i in cuts),
        )
        return track.replace(meta=meta)

    def _rerun_reason(self, frames, per_frame, time_s, cuts, samples, size) -> str:
        """Why the single-person pass cannot be trusted ("" if it can): a jump, or another lifter."""
        xy = np.full((len(frames), N_LANDMARKS, 2), np.nan)
        for i, p in enumerate(per_frame):
            if p[0].shape[0]:
                xy[i] = p[0][0]
        jumps = find_identity_switches(xy, time_s, cuts=cuts)
        if jumps.size:
            return (
                f"MediaPipe's single-person tracker jumped to another body at frame "
                f"{frames[int(jumps[0])]} ({len(jumps)} jump(s))"
            )
        import mediapipe as mp

        lm = self._landmarker("image", SAMPLE_POSES)
        seen = []
        for _, rgb in samples:
            with self._first_call(lm):
                result = lm.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb))
            seen.append(_result_arrays(result, rgb.shape[1], rgb.shape[0])[0])
        followed = [xy[i] if np.isfinite(xy[i]).all() else None for i, _ in samples]
        if follows_another_person(followed, seen, size):
            return (
                "MediaPipe's single-person tracker missed or passed over the lifter on sample frames "
                f"({', '.join(str(frames[i]) for i, _ in samples)})"
            )
        return ""

    def _run_video(self, path: Path, info, num_poses: int, progress: bool, keep_samples=False):
        import mediapipe as mp

        from ..core.stages import progress_bar as tqdm

        o = self.options
        # A fresh graph per video: VIDEO mode needs timestamps that increase across calls.
        lm = self._landmarker("video", num_poses, fresh=True)
        end = o.end_frame if o.end_frame is not None else (info.n_frames or None)
        total = None
        if end is not None:
            total = max(0, -(-(min(end, info.n_frames or end) - o.start_frame) // o.stride))
        frames: list[int] = []
        times: list[float] = []
        signatures: list[np.ndarray] = []
        samples: list[tuple[int, np.ndarray]] = []  # (track index, frame) for the bystander check
        picks = set(np.linspace(0, (total or N_SAMPLE_FRAMES * 30) - 1, N_SAMPLE_FRAMES).round())
        per_frame: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        last_ms = -1
        desc = path.name if num_poses == 1 else f"{path.name} ({num_poses} poses)"
        with (
            quiet_native_stderr(keep_python=True),
            tqdm(total=total, desc=desc, unit="frame", disable=not progress, leave=False) as bar,
        ):
            for fr in iter_video_frames(
                path, start_frame=o.start_frame, end_frame=o.end_frame, stride=o.stride
            ):
                ms = max(round(fr.time_s * 1000.0), last_ms + 1)  # strictly increasing
                last_ms = ms
                image = mp.Image(image_format=mp.ImageFormat.SRGB, data=fr.rgb)
                result = lm.detect_for_video(image, ms)
                signatures.append(frame_signature(fr.rgb))
                if not result.pose_landmarks and len(signatures) > 1 and is_cut(*signatures[-2:]):
                    # the tracker still looks where the lifter was in the last shot: detect afresh
                    result = self._landmarker("image", num_poses).detect(image)
                per_frame.append(_result_arrays(result, fr.rgb.shape[1], fr.rgb.shape[0]))
                if keep_samples and len(frames) in picks:
                    samples.append((len(frames), fr.rgb.copy()))
                frames.append(fr.index)
                times.append(fr.time_s)
                bar.update(1)
        return frames, times, per_frame, signatures, samples


N_SAMPLE_FRAMES = 6
"""Frames of a video, evenly spaced, on which every person MediaPipe sees is compared with the one
the single-person pass followed (:func:`formlab.pose.persons.follows_another_person`): six IMAGE-mode
inferences, a few per cent of a short clip's extraction time."""

SAMPLE_POSES = 3
"""People looked for on those sample frames (the lifter, and up to two others)."""


TRUNCATION_TOLERANCE = 0.9
"""A video whose decodable frames fall short of this fraction of the frames its container
declares is reported as probably truncated or corrupt (containers without an index give
estimates good to a few per cent, hence not 1.0)."""


def _truncation_warnings(info: VideoInfo, frames: list[int], o: ExtractOptions) -> list[str]:
    """A warning when decoding stopped well before the end the container promises.

    Without the file's name: the track is cached by content, and a copy under
    another name gets the same stored warning (named when it is shown).
    """
    if not info.n_frames or not frames:
        return []
    expected_end = min(info.n_frames, o.end_frame) if o.end_frame is not None else info.n_frames
    decoded_end = frames[-1] + o.stride  # one past the last frame that could have been analysed
    if decoded_end - o.start_frame >= TRUNCATION_TOLERANCE * (expected_end - o.start_frame):
        return []
    return [
        f"only {frames[-1] + 1} of the {info.n_frames} frames the file declares could be decoded; "
        f"the video is probably truncated or corrupt, and results cover the first "
        f"{frames[-1] + 1} frames only"
    ]


def _check_rgb(image: np.ndarray) -> np.ndarray:
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise InputError(
            f"image array must be RGB uint8 of shape (H, W, 3), got {image.dtype} {image.shape}"
        )
    return np.ascontiguousarray(image)


def _result_arrays(result, width: int, height: int):
    """MediaPipe result -> (xy_px, z, visibility, presence, world_m), each with a leading people axis."""
    n = len(result.pose_landmarks)
    xy = np.empty((n, N_LANDMARKS, 2))
    z = np.empty((n, N_LANDMARKS))
    vis = np.empty((n, N_LANDMARKS))
    pres = np.empty((n, N_LANDMARKS))
    world = np.full((n, N_LANDMARKS, 3), np.nan)
    for k, pose in enumerate(result.pose_landmarks):
        a = np.array(
            [(p.x, p.y, p.z, p.visibility or 0.0, p.presence or 0.0) for p in pose], dtype=float
        )
        xy[k, :, 0] = a[:, 0] * width
        xy[k, :, 1] = a[:, 1] * height
        z[k], vis[k], pres[k] = a[:, 2], a[:, 3], a[:, 4]
        if k < len(result.pose_world_landmarks):
            world[k] = [(p.x, p.y, p.z) for p in result.pose_world_landmarks[k]]
    return xy, z, vis, pres, world


def _fill_track(track: PoseTrack, picks: list[tuple[int, int]], per_frame) -> PoseTrack:
    xy, z = track.xy_px.copy(), track.z.copy()
    vis, pres, world = track.visibility.copy(), track.presence.copy(), track.world_m.copy()
    for i, k in picks:
        pxy, pz, pvis, ppres, pworld = per_frame[i]
        xy[i], z[i], vis[i], pres[i], world[i] = pxy[k], pz[k], pvis[k], ppres[k], pworld[k]
    return track.replace(xy_px=xy, z=z, visibility=vis, presence=pres, world_m=world)


# ---------------------------------------------------------------------- facade
@overload
def extract(source: np.ndarray, options: ExtractOptions | None = ..., **kw: Any) -> PoseTrack: ...
@overload
def extract(
    source: str | os.PathLike, options: ExtractOptions | None = ..., **kw: Any
) -> PoseTrack | list[PoseTrack]: ...  # a list for a folder of images


def extract(
    source: str | os.PathLike | np.ndarray,
    options: ExtractOptions | None = None,
    *,
    cache: bool = True,
    progress: bool = True,
    **option_overrides: Any,
) -> PoseTrack | list[PoseTrack]:
    """Extract the lifter's pose track from a video, an image, a folder of images or an RGB array.

    Parameters
    ----------
    source : path or ndarray
        Video (mp4/mov/m4v/avi/webm/mkv), image (jpg/png/webp/bmp), folder of
        images, ``"sample:NAME"`` (a sample clip or photo), or an RGB ``uint8`` array.
    options : ExtractOptions, optional
        Defaults to ``ExtractOptions()``; keyword arguments override single
        fields, e.g. ``extract(path, model="heavy", stride=2)``.
    cache : bool
        Reuse (and store) tracks in the cache (key: SHA-256 of the file,
        options, SHA-256 of the model). Arrays are never cached.
    progress : bool
        Show a progress bar for videos (``tqdm.auto``: a widget in notebooks).

    Returns
    -------
    PoseTrack, or list of PoseTrack for a folder (one per image, sorted by name).
    """
    opts = ExtractOptions.coerce(options).updated(option_overrides)
    if isinstance(source, np.ndarray):
        with PoseExtractor(opts) as ex:
            return ex.extract_image(source)
    path = resolve_source(source)
    kind = media_kind(path)
    files = list_images(path) if kind == "folder" else [path]
    with PoseExtractor(opts, _model_for(files, kind, opts.model)) as ex:
        if kind == "folder":
            return [_cached(ex, f, "image", cache, progress) for f in files]
        return _cached(ex, path, kind, cache, progress)


def _model_for(files: list[Path], kind: str, model: str) -> ModelFile:
    """The model, found without delay when it is on disk; else the inputs are checked first.

    A broken input is reported before the model is looked for further (a
    download): before anything slow or remote.

    When the model is on disk the inputs are not checked here: a cached result
    must come back without decoding anything, and a missed one is checked as
    it is extracted (:func:`_cached`).
    """
    try:
        return resolve_model(model, download=False)
    except ModelError:
        for f in files:
            if kind == "video":
                probe_video(f)
            else:
                check_image(f)
        return resolve_model(model)


def _cached(ex: PoseExtractor, path: Path, kind: str, cache: bool, progress: bool) -> PoseTrack:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    sha = sha256_file(path)
    if kind == "image":
        compute = functools.partial(ex.extract_image, path, source_sha256=sha)
    else:
        compute = functools.partial(ex.extract_video, path, progress=progress, source_sha256=sha)
    if not cache:
        return compute()
    opts = {k: v for k, v in ex.options.to_dict().items() if k != "model"}  # the model: by its hash
    code = {"revision": EXTRACTION_REVISION, "mediapipe": mediapipe_version()}
    key = track_key(sha, {"kind": kind, **opts, **code}, ex.model_file.sha256)
    with computing(key):  # another process computing the same track: wait for it, then read it
        hit = load_cached_track(key)
        if hit is None:
            track = compute()
            store_cached_track(key, track)
            return track
    for note in hit.meta.warnings:  # said again on every use of the result
        warnings.warn(f"{path}: {note}", FormlabWarning, stacklevel=3)
    return hit.replace(meta=dataclasses.replace(hit.meta, source=str(path)))
