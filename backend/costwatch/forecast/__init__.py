"""Month-end forecast of the spend: what a month is expected to cost when it ends."""
