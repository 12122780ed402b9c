"""formlab.pose."""
