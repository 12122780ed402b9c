"""formlab.core."""
