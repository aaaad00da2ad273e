"""Ingest: read input files of any accepted type, validate and normalise them, keep every rejected row."""
