"""Providers, cost categories and the services that carry costs."""
