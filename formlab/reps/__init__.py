"""formlab.reps."""
