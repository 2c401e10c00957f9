"""Summaries, series and alerts, read across the other domains."""
