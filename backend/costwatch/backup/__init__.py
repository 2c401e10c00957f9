"""Backup and restore of the whole ledger as one zip file of CSVs (one per table) and a manifest."""
