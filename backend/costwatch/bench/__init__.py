"""Tools to measure CostWatch at scale: a data generator (``generate``)."""
