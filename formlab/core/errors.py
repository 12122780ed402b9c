"""formlab's exceptions.

Every error a user can cause (a missing file, a corrupt video, an unknown
exercise name, a threshold out of range) is raised as a :class:`FormlabError`
subclass whose message names the file or value and the problem in one line, so
that the CLI can print it without a traceback.
"""

from __future__ import annotations


class FormlabError(Exception):
    """Base class of all errors formlab raises on purpose."""


class InputError(FormlabError, ValueError):
    """An input file is missing, unreadable, corrupt or of an unsupported kind."""


class ModelError(FormlabError):
    """No usable pose-landmarker model file could be found or downloaded."""


class SampleError(FormlabError):
    """A sample file is unknown, missing offline, or fails its checksum."""


class ConfigError(FormlabError, ValueError):
    """An option or threshold is unknown or out of its valid range."""


class OutputError(FormlabError):
    """An output file or folder cannot be written."""


class FormlabWarning(UserWarning):
    """Something the user should know about a result that is still usable.

    For example a video that decodes to fewer frames than it declares. The CLI
    prints these as one line on stderr.
    """
