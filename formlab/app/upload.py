"""Uploading a file from the page into the session folder, in chunks, with a size limit.

:class:`UploadReceiver` is the policy (size limit, file name, writing the
chunks in order) and knows nothing of widgets; :class:`ChunkedUpload` is the
widget (an `anywidget <https://anywidget.dev>`_ with a file button) that
carries the messages. The browser tells the file's name and size first; the
kernel refuses a file over the limit at once, otherwise asks for it 2 MiB at
a time (``upload.js``).

Why not ``ipywidgets.FileUpload``: it sends the whole file as one websocket
message. Jupyter's server closes the connection on a message over its limit
(tornado's 10 MiB by default), which leaves the page dead rather than showing
an error, and a raised limit would hold a 500 MB video in the browser's, the
server's and the kernel's memory at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..core.errors import InputError
from .session import safe_file_name

log = logging.getLogger(__name__)


def size_in_words(n_bytes: float) -> str:
    """``1536`` -> ``"1.5 KiB"``, ``3.2e8`` -> ``"305 MiB"``: sizes as a person reads them."""
    size = float(n_bytes)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "bytes" or size >= 100 else f"{size:.3g} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


class UploadReceiver:
    """One upload at a time into a folder: checks the size first, then writes the chunks in order.

    Parameters
    ----------
    max_bytes : int
        Larger files are refused from their announced size, before any byte is sent.
    what : str
        What is uploaded, for messages ("video or photo", "thresholds file").
    """

    def __init__(self, max_bytes: int, what: str = "file"):
        self.max_bytes = int(max_bytes)
        self.what = what
        self.name = ""
        self.path: Path | None = None
        self.size = 0
        self.received = 0
        self._file: Any = None

    def start(self, folder: Path, name: str, size: int) -> int:
        """Begin receiving ``name`` (``size`` bytes) into ``folder``; the offset of the first chunk wanted.

        Raises
        ------
        InputError
            The file is empty or larger than :attr:`max_bytes`.
        """
        self.abort()
        self.name, self.size, self.received = str(name), int(size), 0
        if self.size <= 0:
            raise InputError(f"{self.name}: the file is empty")
        if self.size > self.max_bytes:
            raise InputError(
                f"{self.name}: {size_in_words(self.size)} is over the app's upload limit of "
                f"{size_in_words(self.max_bytes)} (formlab app --max-upload-mb sets it; or trim the "
                f"video to the set)"
            )
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / safe_file_name(self.name)
        self._file = open(self.path, "wb")  # closed by chunk() or abort()
        return 0

    def chunk(self, offset: int, data: bytes | memoryview) -> int | None:
        """Write one chunk; the offset of the next one wanted, or None when the file is complete."""
        if self._file is None or offset != self.received:
            raise InputError(f"{self.name or 'upload'}: the upload arrived out of order; try again")
        self._file.write(data)
        self.received += len(data)
        if self.received > self.size:
            self.abort()
            raise InputError(f"{self.name}: more bytes arrived than the file's size; try again")
        if self.received < self.size:
            return self.received
        self._file.close()
        self._file = None
        return None

    def abort(self) -> None:
        """Drop an upload in progress and its partial file."""
        if self._file is not None:
            self._file.close()
            self._file = None
            if self.path is not None:
                self.path.unlink(missing_ok=True)


class ChunkedUpload(anywidget.AnyWidget):
    """A file button whose file reaches the kernel in chunks (see the module's notes).

    Parameters
    ----------
    folder : callable
        Returns the folder to write the next file into (called when a file is chosen).
    max_bytes : int
        The size limit.
    on_received : callable
        ``on_received(path, name)`` once the whole file is written (``name``:
        as the user's device called it).
    on_error : callable
        ``on_error(message)`` with one line when the file is refused or the upload fails.
    on_progress : callable, optional
        ``on_progress(received_bytes, total_bytes)`` after each chunk.
    accept, description : str
        The file types the browser offers (``"video/*,image/*"``), the button's text.
    """

    _esm = Path(__file__).with_name("upload.js")
    accept = traitlets.Unicode("").tag(sync=True)
    description = traitlets.Unicode("Choose a file").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        *,
        folder: Callable[[], Path],
        max_bytes: int,
        on_received: Callable[[Path, str], None],
        on_error: Callable[[str], None],
        on_progress: Callable[[int, int], None] | None = None,
        what: str = "file",
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.receiver = UploadReceiver(max_bytes, what)
        self._folder, self._on_received = folder, on_received
        self._on_error, self._on_progress = on_error, on_progress
        self.on_msg(self._handle)

    def _handle(self, _widget, content: dict, buffers: list) -> None:
        kind = content.get("type")
        offset: int | None
        try:
            if kind == "start":
                if self.disabled:
                    raise InputError("an analysis is running; wait for it to finish")
                offset = self.receiver.start(
                    self._folder(), content.get("name", ""), content.get("size", 0)
                )
            elif kind == "chunk" and buffers:
                offset = self.receiver.chunk(int(content.get("offset", -1)), buffers[0])
            else:
                return
        except InputError as e:
            self.receiver.abort()
            self.send({"type": "end"})
            self._on_error(str(e))
            return
        except OSError as e:  # disk full while writing the session folder
            self.receiver.abort()
            self.send({"type": "end"})
            self._on_error(f"{self.receiver.name}: could not store the upload ({e.strerror or e})")
            return
        if self._on_progress is not None:
            self._on_progress(self.receiver.received, self.receiver.size)
        if offset is not None:
            self.send({"type": "next", "offset": offset})
            return
        self.send({"type": "end"})
        assert self.receiver.path is not None
        self._on_received(self.receiver.path, self.receiver.name)
