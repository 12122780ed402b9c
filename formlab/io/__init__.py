"""formlab.io."""
