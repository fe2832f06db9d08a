"""Settings: base.py reads the environment; local, test and production adjust it for where it runs."""
