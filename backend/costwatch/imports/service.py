"""The FOCUS import's rules: match groups to services, preview, then commit all or nothing.

- A group is the invoice of one Infrastructure service for one month. Its service is matched
  by provider name and service name (ignoring case, as MySQL's collation does); providers and
  services that do not exist yet are created by the commit.
- Compared with what is stored: no invoice -> ``create``; the same amount and currency ->
  ``unchanged`` (importing a file twice changes nothing); another amount -> ``replace`` (a
  corrected export replaces the month).
- ``conflict`` when the file cannot be stored as it is: the service already has the month's
  invoice in another currency (an overwrite would change what the amount means), the file
  has the service's month in two currencies (an invoice has one), a total beyond
  DECIMAL(12,2), a name longer than the catalog keeps. A commit with any conflict is refused.
- ``skip`` for a negative total (credits larger than the charges): an invoice is never
  negative, so that month of that service is left out, and the preview says so.
- The commit writes through the invoice and catalog domain functions (their checks and row
  locks), in the request's one transaction; the audit log records every row it writes.
"""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.catalog.repository import CategoryRepository
from costwatch.catalog.schemas import ProviderCreate, ServiceCreate
from costwatch.catalog.service import create_provider, create_service
from costwatch.imports.focus import Aggregate, CostColumn, Group, GroupBy
from costwatch.imports.repository import FocusRepository
from costwatch.imports.schemas import FocusGroup, FocusReport, MonthTotal, SkippedRows
from costwatch.invoices.schemas import InvoiceCreate, InvoiceUpdate
from costwatch.invoices.service import create_invoice, update_invoice
from costwatch.models import CategoryCode
from costwatch.money import MONEY_LIMIT, ZERO

NAME_LIMIT = 128
"""The longest provider or service name the catalog keeps."""


def _group(group: Group) -> FocusGroup:
    return FocusGroup(
        provider=group.provider,
        service=group.service,
        month=group.month,
        currency=group.currency,
        amount=group.amount,
        rows=group.rows,
        service_id=None,
        provider_id=None,
        invoice_id=None,
        previous_amount=None,
        action="create",
        error=None,
    )


def _static_problem(group: FocusGroup) -> tuple[str, str] | None:
    """An action and reason that need nothing stored to tell, or None."""
    for what, name in (("provider", group.provider), ("service", group.service)):
        if len(name) > NAME_LIMIT:
            return "conflict", f"The {what} name is longer than {NAME_LIMIT} characters."
    if group.amount >= MONEY_LIMIT:
        return "conflict", "The total is beyond what an invoice can hold (DECIMAL(12,2))."
    if group.amount < ZERO:
        return (
            "skip",
            "The month's total is negative (credits exceed charges); an invoice cannot be"
            " negative, so this month of this service is left out.",
        )
    return None


def _key(group: FocusGroup) -> tuple[str, str, date]:
    return group.provider.lower(), group.service.lower(), group.month


async def _match(session: AsyncSession, groups: list[FocusGroup]) -> None:
    """Fill ids, previous amounts and actions from what is stored."""
    repo = FocusRepository(session)
    providers = await repo.providers(group.provider for group in groups)
    services = await repo.infrastructure_services(p.id for p in providers.values())
    currencies: dict[tuple[str, str, date], set[str]] = defaultdict(set)
    for group in groups:
        currencies[_key(group)].add(group.currency)
        provider = providers.get(group.provider.lower())
        if provider is not None:
            group.provider_id = provider.id
            group.service_id = services.get((provider.id, group.service.lower()))
    invoices = await repo.invoices(
        (group.service_id, group.month) for group in groups if group.service_id is not None
    )
    for group in groups:
        problem = _static_problem(group)
        if problem is None and len(currencies[_key(group)]) > 1:
            found = ", ".join(sorted(currencies[_key(group)]))
            problem = (
                "conflict",
                f"The file bills this service's month in several currencies ({found}); an"
                " invoice has one: import with another grouping, or split the file.",
            )
        stored = invoices.get((group.service_id, group.month)) if group.service_id else None
        if stored is not None:
            group.invoice_id = stored.id
            group.previous_amount = stored.amount
            if problem is None and stored.currency != group.currency:
                problem = (
                    "conflict",
                    f"The service already has an invoice for {group.month:%Y-%m} in"
                    f" {stored.currency} (id {stored.id}); this one is in {group.currency}."
                    " Delete or correct the stored invoice first.",
                )
        if problem is not None:
            group.action, group.error = problem  # type: ignore[assignment]
        elif stored is None:
            group.action = "create"
        elif stored.amount == group.amount:
            group.action = "unchanged"
        else:
            group.action = "replace"


async def _write(session: AsyncSession, groups: list[FocusGroup]) -> None:
    """Store every group that creates or replaces, creating providers and services first."""
    category_id = (await CategoryRepository(session).get_by_code(CategoryCode.INFRASTRUCTURE)).id
    providers: dict[str, int] = {}
    services: dict[tuple[int, str], int] = {}
    for group in groups:
        if group.action not in ("create", "replace"):
            continue
        if group.provider_id is None:
            if group.provider.lower() not in providers:
                created = await create_provider(session, ProviderCreate(name=group.provider))
                providers[group.provider.lower()] = created.id
            group.provider_id = providers[group.provider.lower()]
        if group.service_id is None:
            key = (group.provider_id, group.service.lower())
            if key not in services:
                body = ServiceCreate(
                    provider_id=group.provider_id,
                    category_id=category_id,
                    name=group.service,
                    description="Created by a FOCUS billing import.",
                )
                services[key] = (await create_service(session, body)).id
            group.service_id = services[key]
        if group.action == "create":
            invoice = await create_invoice(
                session,
                InvoiceCreate(
                    service_id=group.service_id,
                    invoice_month=group.month,
                    amount=group.amount,
                    currency=group.currency,
                ),
            )
            group.invoice_id = invoice.id
        else:
            assert group.invoice_id is not None
            await update_invoice(session, group.invoice_id, InvoiceUpdate(amount=group.amount))


STORED = frozenset({"create", "replace", "unchanged"})
"""The actions whose group is an invoice once the file is committed."""


def _totals(groups: list[FocusGroup], in_file: dict[tuple[date, str], Decimal]) -> list[MonthTotal]:
    sums: dict[tuple[date, str], Decimal] = defaultdict(lambda: ZERO)
    counts: Counter[tuple[date, str]] = Counter()
    for group in groups:
        if group.action in STORED:
            sums[(group.month, group.currency)] += group.amount
            counts[(group.month, group.currency)] += 1
    keys = sorted({*in_file, *((group.month, group.currency) for group in groups)})
    return [
        MonthTotal(
            month=month,
            currency=currency,
            amount=sums[(month, currency)],
            groups=counts[(month, currency)],
            file_amount=in_file.get((month, currency), ZERO),
        )
        for month, currency in keys
    ]


async def import_focus(
    session: AsyncSession,
    aggregate: Aggregate,
    *,
    cost: CostColumn,
    group_by: GroupBy,
    dry_run: bool,
) -> FocusReport:
    """Preview a summed FOCUS file against the ledger and, unless ``dry_run``, store it.

    A commit with any conflict stores nothing and returns ``committed=False``.
    """
    groups = [_group(group) for group in aggregate.groups]
    await _match(session, groups)
    counts = Counter(group.action for group in groups)
    committed = not dry_run and not counts["conflict"]
    if committed:
        await _write(session, groups)
    skipped = [
        SkippedRows(reason=s.reason, column=s.column, rows=s.rows) for s in aggregate.skipped
    ]
    return FocusReport(
        focus_version=aggregate.focus_version,
        file_format=aggregate.file_format,
        cost=cost,
        group_by=group_by,
        rows=aggregate.rows,
        skipped=sum(s.rows for s in skipped),
        skipped_reasons=skipped,
        months=sorted({group.month for group in groups}),
        totals=_totals(groups, aggregate.month_totals),
        groups=groups,
        counts=dict(counts),
        conflicts=counts["conflict"],
        committed=committed,
    )
