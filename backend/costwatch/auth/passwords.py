"""The rules of a new admin password, applied in every mode (not only in production)."""

from zxcvbn import zxcvbn

from costwatch.config import DEMO_ADMIN_PASSWORD

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" for an online attack
# zxcvbn's matching grows with the length; what makes a password weak shows in its start.
_SCORED_LENGTH = 100


def password_problem(new: str, *, email: str, current: str | None) -> str | None:
    """Why ``new`` cannot be the admin's password, or ``None`` when it can.

    At least 12 characters, not the email, not the demo password, not the current password,
    and not guessable: zxcvbn scores it against common passwords, words, names, keyboard
    patterns and repeats, and against the email and the product's name.
    """
    if len(new) < MIN_LENGTH or len(new.strip()) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters (not counting spaces at either end)"
    if new.strip().lower() == email.strip().lower():
        return "must not be the email address"
    if new == DEMO_ADMIN_PASSWORD:
        return "must not be the demo password"
    if current is not None and new == current:
        return "must differ from the current password"
    verdict = zxcvbn(new[:_SCORED_LENGTH], user_inputs=[email, "costwatch", "cost watch"])
    if verdict["score"] < MIN_SCORE:
        warning = verdict["feedback"].get("warning") or "it is too easy to guess"
        return f"is too easy to guess ({warning.rstrip('.')}); try a few uncommon words"
    return None
