"""formlab.signal."""
