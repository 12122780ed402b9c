"""formlab.form."""
