"""Imports of billing exports: FOCUS files, summed per service and month into invoices."""
