"""CostWatch: one place for every recurring cost an organisation carries."""

__version__ = "0.1.0"
