"""The FastAPI application: routers, auth, error handlers, engine and sessions."""

import asyncio
import gc
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch import __version__
from costwatch.alerts.router import router as alerts_inbox_router
from costwatch.alerts.runner import AfterWriteMiddleware, AlertRunner
from costwatch.alerts.service import parameters
from costwatch.audit.router import router as audit_router
from costwatch.auth.dependencies import require_admin, require_admin_before_upload, require_login
from costwatch.auth.router import router as auth_router
from costwatch.auth.router import tokens as tokens_router
from costwatch.backup.router import restore as restore_router
from costwatch.backup.router import router as backup_router
from costwatch.body_limit import BodyLimitMiddleware
from costwatch.budgets.router import router as budgets_router
from costwatch.catalog.router import router as catalog_router
from costwatch.config import ConfigError, Settings, load_settings
from costwatch.connections.router import router as connections_router
from costwatch.connections.sync import Writer
from costwatch.csv_import.router import router as imports_router
from costwatch.csv_import.router import templates as import_templates_router
from costwatch.db.engine import make_engine
from costwatch.db.session import make_sessionmaker
from costwatch.docs import router as docs_router
from costwatch.errors import error_responses, install_error_handlers
from costwatch.forecast.router import router as forecast_router
from costwatch.fx.ecb import bundled_rates
from costwatch.fx.router import MAX_IMPORT_BYTES
from costwatch.fx.router import router as fx_router
from costwatch.health import router as health_router
from costwatch.http_cache import ResponseCacheMiddleware
from costwatch.imports.router import router as focus_router
from costwatch.invoices.router import router as invoices_router
from costwatch.licenses.router import router as licenses_router
from costwatch.logs import RequestContextMiddleware
from costwatch.notifications.delivery import DeliveryPolicy, Notifier, SmtpConfig
from costwatch.notifications.router import router as notifications_router
from costwatch.reports.router import alerts as alerts_router
from costwatch.reports.router import router as reports_router
from costwatch.resilience import ResilienceMiddleware
from costwatch.scheduler import Scheduler, holder_name
from costwatch.usage.router import router as usage_router
from costwatch.vault import KeyError_, Vault

# Paths that wait on an outside server for as long as its timeouts and retries take.
UNBOUNDED_PATHS = re.compile(
    r"/connections/[^/]+/sync|/notification-channels/[^/]+/test|/alerts/evaluate"
)

DESCRIPTION = """
Every recurring cost of an organisation in one place: cloud invoices, per-seat licenses with
their price history and annual commitments, prepaid usage services with their balance.

* Sign in with `POST /auth/login` (the **Authorize** button above does it for you) and send the
  token as `Authorization: Bearer <token>`.
* Money is a string with two decimals in responses (`"1234.50"`); requests accept a number or
  such a string. Months are `YYYY-MM` or `YYYY-MM-01` and come back as `YYYY-MM-01`.
* Lists take `limit` and `offset` and send the total in `X-Total-Count`.
"""

UPLOADS = "/imports/"
RESTORE = "/restore"

TAGS = [
    {"name": "auth", "description": "Sign in, who am I, change the password."},
    {"name": "catalog", "description": "The three cost categories."},
    {"name": "providers", "description": "Vendors that bill for services."},
    {"name": "services", "description": "Things that cost money; DELETE is a soft delete."},
    {"name": "invoices", "description": "Monthly invoices of infrastructure services."},
    {"name": "licenses", "description": "License plans: price and seats from a month on."},
    {"name": "usage", "description": "Prepaid usage services: top-ups, consumption, balances."},
    {"name": "reports", "description": "Spend per month by category, and its forecast."},
    {"name": "fx-rates", "description": "Exchange rates to the reporting currency, per month."},
    {
        "name": "alerts",
        "description": "The alert inbox (budgets, low balances, runways, commitments, unusual"
        " spend), its evaluation, and the commitments and low balances behind it.",
    },
    {"name": "budgets", "description": "Monthly spend limits with thresholds, and their status."},
    {
        "name": "connections",
        "description": "Provider billing APIs (OpenAI, Anthropic, Twilio, OpenRouter) that fill"
        " a Usage service's consumption by themselves; credentials are write-only.",
    },
    {
        "name": "notifications",
        "description": "Where alerts are sent: email (SMTP), Slack and signed webhooks, with a"
        " delivery log and a test button; a webhook's secret is write-only.",
    },
    {
        "name": "imports",
        "description": "CSV files of records, and FOCUS billing exports: a dry run, then a commit.",
    },
    {
        "name": "backup",
        "description": "The whole ledger as one zip file, and restoring it into an empty one.",
    },
    {"name": "tokens", "description": "API tokens for scripts (managed with the admin login)."},
    {"name": "audit", "description": "Every create, update and delete: who, when, from what."},
    {"name": "health", "description": "Liveness of the server and its database."},
]


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
    """Build the application; tests pass their own settings and engine."""
    settings = settings or load_settings()
    engine = engine or make_engine(settings.effective_database_url, echo=settings.sql_echo)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The bundled ECB rates are computed once per process (about a second): not on a
        # request, whose deadline is 4.5 s.
        await asyncio.to_thread(bundled_rates, settings.reporting_currency)
        scheduler = None
        state = app.state
        runner = None
        if settings.env != "test":
            holder = holder_name()
            runner = AlertRunner(
                state.sessionmaker,
                state.write_lock,
                Notifier.of_app(state),
                lambda: parameters(settings),
                holder=holder,
                delay=settings.alert_after_write_delay_seconds,
            )
            if settings.alert_after_writes:
                state.alert_runner = runner
        if settings.scheduler and settings.env != "test":
            scheduler = Scheduler(
                Writer(state.sessionmaker, state.write_lock),
                state.vault,
                sync_interval=timedelta(minutes=settings.sync_interval_minutes),
                tick_seconds=settings.scheduler_tick_seconds,
                holder=holder,
                alerts=runner,
                alert_interval=timedelta(seconds=settings.alert_interval_seconds),
            )
            scheduler.start()
        if settings.env != "test":
            # What start-up built (modules, routes, the bundled rates) lives as long as the
            # process. Frozen, it is left out of the collector's passes: a full collection
            # walks only what requests made since, instead of pausing a request for a
            # hundred milliseconds or more every now and then (measured on the 1M-row set).
            gc.freeze()
        yield
        if settings.env != "test":
            gc.unfreeze()
        state.alert_runner = None
        if runner is not None:
            await runner.stop()
        if scheduler is not None:
            await scheduler.stop()
        await engine.dispose()

    app = FastAPI(
        title="CostWatch",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        swagger_ui_parameters={"persistAuthorization": True},
        # costwatch.docs serves Swagger UI from local files; ReDoc would load from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None
    try:
        app.state.vault = Vault(settings.effective_encryption_keys)
    except KeyError_ as exc:
        raise ConfigError(f"CostWatch cannot start: {exc}") from exc
    app.state.smtp = SmtpConfig.from_settings(settings)
    app.state.delivery_policy = DeliveryPolicy.from_settings(settings)
    install_error_handlers(app)
    # Added innermost first. From the outside in: the request id and security headers; the
    # body limit (before anything reads a body); retries of lost transactions and JSON
    # 503/500 answers; the cache, whose hits skip routing entirely; innermost, the alert
    # rules' poke after each write that succeeded (the runner exists once the app started).
    app.state.alert_runner = None
    app.add_middleware(AfterWriteMiddleware, runner=lambda: app.state.alert_runner)
    app.add_middleware(ResponseCacheMiddleware, jwt_secret=settings.effective_jwt_secret)
    # Uploads stream to a temporary file: not buffered for a replay, and with their own limit.
    # A provider sync or a test notification waits on the outside server for as long as it
    # takes (bounded by its own timeouts and retries): no 4.5 s deadline there.
    app.add_middleware(
        ResilienceMiddleware,
        passthrough_prefixes=(UPLOADS, RESTORE),
        unbounded=UNBOUNDED_PATHS.fullmatch,
        deadline_seconds=settings.request_deadline_seconds,
    )
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        path_limits={
            UPLOADS: settings.max_upload_bytes,
            RESTORE: settings.max_upload_bytes,
            # A rates file is small, and its route reads it before checking the token.
            "/imports/fx-rates": max(MAX_IMPORT_BYTES, settings.max_body_bytes),
        },
    )
    app.add_middleware(RequestContextMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Total-Count", "X-Request-ID"],
        )

    app.include_router(health_router)
    app.include_router(docs_router)
    app.include_router(auth_router)
    protected = [Depends(require_admin)]
    forbidden = error_responses(403)
    for router in (
        catalog_router,
        invoices_router,
        licenses_router,
        usage_router,
        reports_router,
        forecast_router,
        alerts_router,
        alerts_inbox_router,
        budgets_router,
        fx_router,
        audit_router,
        connections_router,
        notifications_router,
        import_templates_router,
        backup_router,
    ):
        app.include_router(router, dependencies=protected, responses=forbidden)
    # The token is checked before the upload is read, the transaction opened after it.
    for router in (imports_router, focus_router, restore_router):
        app.include_router(router, dependencies=[Depends(require_admin_before_upload)])
    app.include_router(
        tokens_router, dependencies=[*protected, Depends(require_login)], responses=forbidden
    )
    return app
