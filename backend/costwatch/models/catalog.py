"""Tables of the catalog: ``service_category``, ``provider``, ``service``."""

from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from costwatch.models.base import Base, BigId, IdMixin, TimestampMixin


class CategoryCode(StrEnum):
    """The stable code of each category: rules name a category by it, never by id or name.

    Ids are allocated by the database (a cluster may skip numbers) and names are for people.
    """

    INFRASTRUCTURE = "infrastructure"
    LICENSE = "license"
    USAGE = "usage"


class ServiceCategory(IdMixin, TimestampMixin, Base):
    """One of the three kinds of cost; rows are created by the first migration."""

    __tablename__ = "service_category"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class Provider(IdMixin, TimestampMixin, Base):
    """A vendor that bills for one or more services."""

    __tablename__ = "provider"

    name: Mapped[str] = mapped_column(String(128), unique=True)
    website: Mapped[str | None] = mapped_column(String(255))


class Service(IdMixin, TimestampMixin, Base):
    """Something that costs money, of one category, billed by one provider."""

    __tablename__ = "service"

    provider_id: Mapped[int] = mapped_column(BigId, ForeignKey("provider.id"), index=True)
    category_id: Mapped[int] = mapped_column(BigId, ForeignKey("service_category.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    # lazy="raise": a query that needs them says so (joinedload), never an N+1 by accident.
    provider: Mapped[Provider] = relationship(lazy="raise")
    category: Mapped[ServiceCategory] = relationship(lazy="raise")

    @property
    def provider_name(self) -> str:
        """The provider's name (load ``provider`` with the service)."""
        return self.provider.name

    @property
    def category_name(self) -> str:
        """The category's display name (load ``category`` with the service)."""
        return self.category.name

    @property
    def category_code(self) -> str:
        """The category's stable code (load ``category`` with the service)."""
        return self.category.code
