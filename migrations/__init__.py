"""Numbered SQL files for the projection tables, one folder per dialect, applied by `yibao init`."""
