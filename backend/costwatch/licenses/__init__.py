"""Per-seat license plans, their price history and annual commitments."""
