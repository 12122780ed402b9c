"""The ground floor: the pose track, landmark names, geometry, errors, settings, atomic files.

Everything else in formlab stands on these; they import nothing of formlab's above them.

* :mod:`~formlab.core.track` - :class:`~formlab.core.track.PoseTrack`, the one shared data object;
* :mod:`~formlab.core.landmarks` - MediaPipe's 33 landmarks, their sides, edges and named groups;
* :mod:`~formlab.core.geometry` - angles and distances between points;
* :mod:`~formlab.core.frames` - from decoded-frame numbers to table rows;
* :mod:`~formlab.core.config` - one way to declare documented, validated settings;
* :mod:`~formlab.core.errors` - the error and warning classes (one-line messages naming the file);
* :mod:`~formlab.core.files` - atomic writes, hashing, folders, JSON helpers.
"""
