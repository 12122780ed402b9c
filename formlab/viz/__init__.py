"""formlab.viz."""
