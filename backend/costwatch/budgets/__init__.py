"""Budgets: monthly spend limits with thresholds, and how far this month has gone."""
