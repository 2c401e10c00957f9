"""CSV import of every record type: a dry run listing every bad row, an all-or-nothing commit."""
