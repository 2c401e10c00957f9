"""Passwords are hashed with Argon2id at no less than the recommended cost.

The rest of the suite hashes with the cheapest parameters (see ``tests/conftest.py``); this
checks the hasher the application itself is configured with.
"""

import argon2

from tests.conftest import PRODUCTION_DUMMY_HASH, PRODUCTION_HASHER


def test_production_hashes_are_argon2id_at_the_recommended_cost_or_more() -> None:
    hashed = PRODUCTION_HASHER.hash("plum quartz lantern 47")

    used = argon2.extract_parameters(hashed)
    recommended = argon2.profiles.RFC_9106_LOW_MEMORY
    assert used.type is argon2.Type.ID
    assert used.memory_cost >= recommended.memory_cost
    assert used.time_cost >= recommended.time_cost
    assert PRODUCTION_HASHER.verify("plum quartz lantern 47", hashed)
    assert not PRODUCTION_HASHER.verify("plum quartz lantern 48", hashed)


def test_the_hash_checked_for_an_unknown_email_costs_as_much_as_a_real_one() -> None:
    real = argon2.extract_parameters(PRODUCTION_HASHER.hash("plum quartz lantern 47"))

    assert argon2.extract_parameters(PRODUCTION_DUMMY_HASH) == real
