"""Monthly invoices of infrastructure services."""
