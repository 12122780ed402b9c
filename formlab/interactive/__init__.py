"""formlab.interactive."""
