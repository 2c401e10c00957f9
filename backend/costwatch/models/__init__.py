"""Every table of CostWatch, in one package: any repository may join any table.

Domains import their tables from here and never from each other, so the domain packages stay
a one-way graph (see docs/architecture.md). Importing this package also tells
``Base.metadata`` the whole schema (Alembic, tests).
"""

from costwatch.models.admin_user import AdminUser
from costwatch.models.alert import AlertEvent, Budget
from costwatch.models.api_token import ApiToken
from costwatch.models.audit import AuditEntry
from costwatch.models.base import Base
from costwatch.models.catalog import CategoryCode, Provider, Service, ServiceCategory
from costwatch.models.connection import ProviderConnection, SyncRun
from costwatch.models.data_version import DataVersion
from costwatch.models.fx_rate import FxRate
from costwatch.models.invoice import InfraInvoice, InvoiceMonthTotal
from costwatch.models.license import LicenseCostChange, LicensePlan
from costwatch.models.login_throttle import LoginThrottle
from costwatch.models.notification import NotificationChannel, NotificationDelivery
from costwatch.models.scheduler_lease import SchedulerLease
from costwatch.models.usage import (
    UsageBalance,
    UsageConsumption,
    UsageConsumptionDay,
    UsageConsumptionMonth,
    UsageConsumptionWeek,
    UsageTopup,
)

__all__ = [
    "AdminUser",
    "AlertEvent",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Budget",
    "CategoryCode",
    "DataVersion",
    "FxRate",
    "InfraInvoice",
    "InvoiceMonthTotal",
    "LicenseCostChange",
    "LicensePlan",
    "LoginThrottle",
    "NotificationChannel",
    "NotificationDelivery",
    "Provider",
    "ProviderConnection",
    "SchedulerLease",
    "Service",
    "ServiceCategory",
    "SyncRun",
    "UsageBalance",
    "UsageConsumption",
    "UsageConsumptionDay",
    "UsageConsumptionMonth",
    "UsageConsumptionWeek",
    "UsageTopup",
]
