"""formlab.barbell."""
