"""Plumbing every layer uses: atomic writes, safe file names, settings, errors, findings."""
