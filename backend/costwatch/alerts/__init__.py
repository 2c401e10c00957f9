"""The alert engine: rules that find conditions, events stored once, notifications sent once."""
