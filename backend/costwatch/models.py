"""Import every table so that ``Base.metadata`` knows the whole schema (Alembic, tests)."""

from costwatch.auth.models import AdminUser
from costwatch.catalog.models import Provider, Service, ServiceCategory
from costwatch.db import Base
from costwatch.invoices.models import InfraInvoice
from costwatch.licenses.models import LicensePlan
from costwatch.usage.models import UsageConsumption, UsageConsumptionMonth, UsageTopup
from costwatch.versioning import DataVersion

__all__ = [
    "AdminUser",
    "Base",
    "DataVersion",
    "InfraInvoice",
    "LicensePlan",
    "Provider",
    "Service",
    "ServiceCategory",
    "UsageConsumption",
    "UsageConsumptionMonth",
    "UsageTopup",
]
