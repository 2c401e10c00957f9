"""Provider connections: billing APIs that fill Usage services by themselves."""
