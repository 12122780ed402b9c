"""For people at a notebook: the threshold tuner, its controls, and the tutorials' helpers.

* :mod:`~formlab.interactive.tuner` - :class:`~formlab.interactive.tuner.ThresholdTuner`, sliders on one video;
* :mod:`~formlab.interactive.controls` - sliders built from documented settings, frames kept small;
* :mod:`~formlab.interactive.notebook` - the Colab set-up cell, figure files of the tutorials.
"""
