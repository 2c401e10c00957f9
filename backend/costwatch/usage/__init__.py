"""Prepaid usage services: top-ups, consumption and balances."""
