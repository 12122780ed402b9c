"""The pipeline: from a video of a set to reps, bar path, per-rep numbers and verdicts.

:func:`analyze` chains named steps (:mod:`formlab.pipeline.steps`), each a
public function with typed inputs and outputs:

1. ``extract``: the pose track (:func:`formlab.extract`, cached by file content);
2. ``clean``: swaps, outliers, gaps, smoothing (:func:`formlab.clean_track`);
3. ``reps``: the reps of a named exercise, or of the family of lifts ``"auto"``
   recognises (a squat, a deadlift);
4. ``bar path``: the load's path in metres (the plate, the grip, or the body
   part that carries the load); with ``"auto"``, the exact lift is then named
   from the hold and the bar (:mod:`formlab.pipeline.variant`), and the load's
   kind is resolved for the load-aware checks;
5. ``measure``: per-rep numbers (range of motion, velocity, joint angles);
6. ``judge``: each form check per frame and per rep;
7. outputs: :meth:`Analysis.save` writes the files (:mod:`formlab.outputs`).

A single photo gets steps 1 and 6 only (:func:`analyze_photo`).
"""

from .analyze import analyze, analyze_photo
from .results import Analysis, PhotoAnalysis

__all__ = ["Analysis", "PhotoAnalysis", "analyze", "analyze_photo"]
