"""The single admin: login, tokens and password changes."""
