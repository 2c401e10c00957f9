"""The demo data of spec section 8, dated relative to today so the dashboard always has a story.

* three infrastructure services (AWS, Azure, GCP) with the last six months of invoices;
* two license services (Microsoft 365, Adobe Creative Cloud) with price and seat changes over
  more than a year, one annual commitment ending within 90 days and one later;
* two usage services (OpenAI API, Twilio) with top-ups and consumption; OpenAI ends below 20 %
  of its last top-up, so the low-balance alert has something to show;
* budgets: software licenses over 80 % (an alert to show), the whole month, OpenAI;
* OVHcloud, billed in EUR, so that reports show a conversion (rate and original amount), and
  Atlassian, a plan paid yearly, so that the cash view differs from the accrual view. Months
  after the bundled ECB data have no rate: their EUR invoices stay in ``unconverted`` until a
  rate is entered in Settings, as for any user.

Loading is idempotent: a service that already exists is left as it is, with its records.
"""

import calendar
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.budgets.repository import BudgetRepository
from costwatch.calendar import add_months, month_start
from costwatch.catalog.repository import CategoryRepository, ProviderRepository
from costwatch.connections.repository import ConnectionRepository
from costwatch.currency import DEFAULT_CURRENCY
from costwatch.invoices.repository import InvoiceRepository
from costwatch.licenses.repository import LicenseRepository
from costwatch.models import CategoryCode, Provider, Service
from costwatch.money import quantize
from costwatch.notifications.repository import ChannelRepository
from costwatch.usage.repository import ConsumptionRepository, TopupRepository
from costwatch.vault import Vault

D = Decimal
# Month-to-month wobble of consumption, so the chart does not look machine-made.
WEIGHTS = [D("1.00"), D("1.15"), D("0.90"), D("1.25"), D("0.85"), D("1.05")]


@dataclass
class DemoService:
    """A service of the demo and how to fill it."""

    provider: str
    website: str
    name: str
    category: CategoryCode
    description: str
    invoices: list[str] = field(default_factory=list)
    # (months from this month, unit cost, qty, months from this month to the commitment's end)
    plans: list[tuple[int, str, int, int | None]] = field(default_factory=list)
    # (months from this month, day, amount)
    topups: list[tuple[int, int, str]] = field(default_factory=list)
    consumption_days: tuple[int, ...] = ()
    consumption_from: int = 0
    consumption_total: str = "0"
    currency: str = DEFAULT_CURRENCY
    billing_cycle: str = "monthly"


DEMO = [
    DemoService(
        "Amazon Web Services",
        "https://aws.amazon.com",
        "AWS production account",
        CategoryCode.INFRASTRUCTURE,
        "EC2, RDS and S3 behind the customer-facing product.",
        invoices=["4210.35", "4388.10", "4502.77", "4391.20", "4655.48", "4820.91"],
    ),
    DemoService(
        "Microsoft Azure",
        "https://azure.microsoft.com",
        "Azure data platform",
        CategoryCode.INFRASTRUCTURE,
        "Synapse and Blob Storage for the data team.",
        invoices=["1830.00", "1795.42", "1902.16", "2011.80", "1968.33", "2044.59"],
    ),
    DemoService(
        "Google Cloud",
        "https://cloud.google.com",
        "GCP analytics project",
        CategoryCode.INFRASTRUCTURE,
        "BigQuery and Looker Studio.",
        invoices=["612.40", "655.12", "701.98", "688.25", "742.67", "760.03"],
    ),
    DemoService(
        "OVHcloud",
        "https://www.ovhcloud.com",
        "OVHcloud bare metal",
        CategoryCode.INFRASTRUCTURE,
        "Build servers in Gravelines, billed in euros.",
        invoices=["1180.00", "1204.50", "1196.20", "1233.80", "1251.10", "1268.45"],
        currency="EUR",
    ),
    DemoService(
        "Atlassian",
        "https://www.atlassian.com",
        "Jira Software Cloud",
        CategoryCode.LICENSE,
        "Issue tracking for engineering, paid a year in advance.",
        plans=[(-4, "7.75", 25, 7)],
        billing_cycle="annual",
    ),
    DemoService(
        "Microsoft",
        "https://www.microsoft.com/microsoft-365",
        "Microsoft 365 Business Standard",
        CategoryCode.LICENSE,
        "Mail, Office and Teams for every employee.",
        plans=[(-14, "12.50", 40, None), (-8, "12.50", 46, None), (-3, "15.00", 46, 7)],
    ),
    DemoService(
        "Adobe",
        "https://www.adobe.com",
        "Adobe Creative Cloud All Apps",
        CategoryCode.LICENSE,
        "Design team seats.",
        plans=[(-11, "54.99", 8, None), (-6, "54.99", 10, None), (-1, "59.99", 10, 1)],
    ),
    DemoService(
        "OpenAI",
        "https://platform.openai.com",
        "OpenAI API",
        CategoryCode.USAGE,
        "Prepaid credits for the support assistant.",
        topups=[(-5, 3, "600.00"), (-2, 3, "500.00")],
        consumption_days=(5, 12, 19, 26),
        consumption_from=-5,
        consumption_total="1037.65",
    ),
    DemoService(
        "Twilio",
        "https://www.twilio.com",
        "Twilio SMS",
        CategoryCode.USAGE,
        "Two-factor codes and delivery notifications.",
        topups=[(-4, 10, "200.00"), (-1, 10, "300.00")],
        consumption_days=(8, 22),
        consumption_from=-4,
        consumption_total="260.80",
    ),
]


def _last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _spread(total: Decimal, count: int) -> list[Decimal]:
    """Split ``total`` into ``count`` uneven amounts that add up to it exactly."""
    if count == 0:
        return []
    weights = [WEIGHTS[i % len(WEIGHTS)] for i in range(count)]
    parts = [quantize(total * weight / sum(weights)) for weight in weights[:-1]]
    return [*parts, total - sum(parts, D(0))]


async def _service(
    session: AsyncSession, spec: DemoService, categories: dict[str, int]
) -> Service | None:
    """The demo service, created with its provider; ``None`` when it already existed."""
    providers = ProviderRepository(session)
    provider = await providers.get_by_name(spec.provider)
    if provider is None:
        provider = await providers.add(name=spec.provider, website=spec.website)
    elif await _existing_service(session, provider, spec.name):
        return None
    service = Service(
        provider_id=provider.id,
        category_id=categories[spec.category],
        name=spec.name,
        description=spec.description,
        active=True,
    )
    session.add(service)
    await session.flush()
    return service


# A placeholder, not a key: the demo connection is disabled and never calls OpenAI.
DEMO_CONNECTION_KEY = "sk-admin-demo-placeholder"


async def _existing_service(session: AsyncSession, provider: Provider, name: str) -> bool:
    stmt = select(Service.id).where(Service.provider_id == provider.id, Service.name == name)
    return (await session.execute(stmt)).first() is not None


async def load_demo_data(session: AsyncSession, vault: Vault | None = None) -> dict[str, int]:
    """Insert the demo services and their records; returns how many rows of each were added.

    With ``vault``, the OpenAI service also gets a disabled connection (a placeholder key, never
    called), so that the Connections page has something to show.
    """
    today = clock.today()
    this_month = month_start(today)
    categories = {row.code: row.id for row in await CategoryRepository(session).list_all()}
    added = {
        "services": 0,
        "invoices": 0,
        "plans": 0,
        "topups": 0,
        "consumption": 0,
        "connections": 0,
        "channels": 0,
        "budgets": 0,
    }
    for spec in DEMO:
        service = await _service(session, spec, categories)
        if service is None:
            continue
        added["services"] += 1
        for offset, amount in enumerate(spec.invoices, start=-len(spec.invoices)):
            await InvoiceRepository(session).add(
                service_id=service.id,
                invoice_month=add_months(this_month, offset),
                amount=D(amount),
                currency=spec.currency,
            )
            added["invoices"] += 1
        for start, unit_cost, qty, commitment in spec.plans:
            await LicenseRepository(session).add(
                service_id=service.id,
                monthly_unit_cost=D(unit_cost),
                qty=qty,
                start_month=add_months(this_month, start),
                end_month=None,
                currency=spec.currency,
                billing_cycle=spec.billing_cycle,
                annual_commitment_end=(
                    _last_day(add_months(this_month, commitment))
                    if commitment is not None
                    else None
                ),
            )
            added["plans"] += 1
        for months, day, amount in spec.topups:
            await TopupRepository(session).record(
                service_id=service.id,
                topup_date=add_months(this_month, months).replace(day=day),
                amount_purchased=D(amount),
                currency=DEFAULT_CURRENCY,
            )
            added["topups"] += 1
        days = [
            add_months(this_month, months).replace(day=day)
            for months in range(spec.consumption_from, 1)
            for day in spec.consumption_days
        ]
        days = [day for day in days if day <= today]
        spent = _spread(D(spec.consumption_total), len(days))
        for when, used in zip(days, spent, strict=True):
            await ConsumptionRepository(session).record(
                service_id=service.id,
                consumption_date=when,
                amount_consumed=used,
                currency=DEFAULT_CURRENCY,
            )
            added["consumption"] += 1
        if vault is not None and spec.provider == "OpenAI":
            await ConnectionRepository(session).add(
                kind="openai",
                name="OpenAI organization (demo)",
                service_id=service.id,
                credentials=vault.encrypt({"api_key": DEMO_CONNECTION_KEY}),
                base_url=None,
                enabled=False,
                sync_from=add_months(this_month, -3),
            )
            added["connections"] += 1
    if vault is not None:
        added["channels"] = await _demo_channels(session, vault)
    added["budgets"] = await _demo_budgets(session, categories)
    return added


async def _demo_budgets(session: AsyncSession, categories: dict[str, int]) -> int:
    """Three budgets; the licenses' one is over 80 % from the 1st of every month.

    The plans in force cost 1,483.65 USD a month (Microsoft 365 690.00, Adobe 599.90,
    Atlassian 193.75), all counted from the month's first day: 1,700.00 puts them at 87 %.
    """
    budgets = BudgetRepository(session)
    if (await budgets.list_page(limit=1, offset=0))[1]:
        return 0
    openai = (
        await session.execute(select(Service.id).where(Service.name == "OpenAI API"))
    ).scalar_one_or_none()
    await budgets.add(
        name="Software licenses",
        scope="category",
        category_id=categories[CategoryCode.LICENSE],
        amount=D("1700.00"),
        thresholds="80,100",
    )
    await budgets.add(
        name="Monthly cloud and tools", scope="total", amount=D("12000.00"), thresholds="80,100"
    )
    if openai is not None:
        await budgets.add(
            name="OpenAI API",
            scope="service",
            service_id=openai,
            amount=D("250.00"),
            thresholds="50,80,100",
        )
    return 3 if openai is not None else 2


async def _demo_channels(session: AsyncSession, vault: Vault) -> int:
    """One disabled channel of each kind, pointing nowhere (``.invalid`` never resolves)."""
    channels = ChannelRepository(session)
    if await channels.all():
        return 0
    await channels.add(
        kind="email",
        name="Finance (demo)",
        target="finance@example.com",
        secret=None,
        enabled=False,
        kinds="budget,low_balance,runway,commitment,anomaly",
    )
    await channels.add(
        kind="slack",
        name="#costs (demo)",
        target="https://hooks.slack.invalid/services/DEMO",
        secret=None,
        enabled=False,
        kinds="budget,runway,anomaly",
    )
    await channels.add(
        kind="webhook",
        name="On-call bridge (demo)",
        target="https://hooks.example.invalid/cw",
        secret=vault.encrypt({"secret": secrets.token_urlsafe(32)}),
        enabled=False,
        kinds="budget,low_balance,runway",
    )
    return 3
