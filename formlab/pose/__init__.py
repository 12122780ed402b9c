"""From pictures to a pose track: MediaPipe's PoseLandmarker, and following one lifter.

* :mod:`~formlab.pose.extract` - :class:`~formlab.pose.extract.ExtractOptions`,
  :class:`~formlab.pose.extract.PoseExtractor` and :func:`~formlab.pose.extract.extract`
  (cached by the file's content);
* :mod:`~formlab.pose.persons` - noticing a jump to another person, and choosing the lifter;
* :mod:`~formlab.pose.native` - MediaPipe's native chatter kept off the user's screen.
"""
