"""Tables of the catalog: ``service_category``, ``provider``, ``service``."""

from sqlalchemy import Boolean, ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from costwatch.db import Base, BigId, IdMixin, TimestampMixin

INFRASTRUCTURE = "Infrastructure"
USER_LICENSE = "User License"
USAGE = "Usage"
CATEGORY_NAMES = (INFRASTRUCTURE, USER_LICENSE, USAGE)


class ServiceCategory(IdMixin, TimestampMixin, Base):
    """One of the three kinds of cost; rows are created by the first migration."""

    __tablename__ = "service_category"

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

    provider: Mapped[Provider] = relationship(lazy="raise")
    category: Mapped[ServiceCategory] = relationship(lazy="raise")
