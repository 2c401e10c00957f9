"""One alert evaluation in a process of its own, started at an agreed moment.

``python -m tests.notifications.alert_worker URL TODAY START_AT SMTP_PORT``: the two-process
test starts two of these so that both evaluate the same conditions at the same moment, each
with its own engine and connections, as two replicas would. Prints the evaluation as JSON.
The Fernet keys come from ``COSTWATCH_ENCRYPTION_KEYS``.
"""

import asyncio
import json
import os
import sys
import time
from datetime import date

from costwatch import clock
from costwatch.alerts.engine import evaluate
from costwatch.alerts.rules import Parameters
from costwatch.db.engine import make_engine
from costwatch.db.session import make_sessionmaker
from costwatch.notifications.delivery import DeliveryPolicy, Notifier, SmtpConfig
from costwatch.vault import Vault


async def main(url: str, today: date, start_at: float, smtp_port: int) -> None:
    """Wait for ``start_at``, evaluate, print the outcome."""
    clock.today = lambda: today
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    lock = asyncio.Lock() if url.startswith("sqlite") else None
    notifier = Notifier(
        factory,
        lock,
        Vault(os.environ["COSTWATCH_ENCRYPTION_KEYS"].split(",")),
        SmtpConfig(host="127.0.0.1", port=smtp_port, security="none", sender="cw@example.com"),
        DeliveryPolicy(attempts=3, backoff=0.01, timeout=5.0),
    )
    # Connect before the start, so that both processes reach the rules at the same moment.
    async with engine.connect():
        pass
    await asyncio.sleep(max(0.0, start_at - time.time()))
    outcome = await evaluate(factory, lock, notifier, Parameters(today=today, currency="USD"))
    print(json.dumps(outcome.model_dump()))
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(
        main(sys.argv[1], date.fromisoformat(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
    )
