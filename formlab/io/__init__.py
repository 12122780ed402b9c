"""What formlab reads from the outside world: media, pose models, sample clips, and its cache.

* :mod:`~formlab.io.media` - videos and photos (rotation, real timestamps, streaming decode);
* :mod:`~formlab.io.models` - where a pose model is found, or downloaded from;
* :mod:`~formlab.io.samples` - sample media by name, URL and SHA-256 (``sample_registry.json``);
* :mod:`~formlab.io.cache` - the user cache of models, samples and pose tracks.
"""
