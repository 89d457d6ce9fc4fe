"""Settlement rounds and their transfers, payments, invoices and credit notes, the issuers'
settings and the chart-of-accounts mapping. Invoices and their lines are immutable once issued:
triggers refuse UPDATE and DELETE on both databases (``IMMUTABLE_DDL``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import DDL, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import Organization, User
from core.db import Money, UTCDateTime, utcnow
from core.extensions import db
from core.ledger import Charge

INVOICE, CREDIT_NOTE = "invoice", "credit_note"
VAT_EXEMPT, VAT_RATE = "exempt", "rate"
MEANS = ("transfer", "cheque", "cash", "card", "other")


class IssuerSettings(db.Model):
    """What an organization prints on its invoices (one row per issuer)."""

    __tablename__ = "finance_issuer"
    __table_args__ = (
        CheckConstraint("payment_terms_days BETWEEN 0 AND 120", name="terms"),
        CheckConstraint("vat_rate IS NULL OR (vat_rate >= 0 AND vat_rate < 100)", name="vat_rate"),
    )

    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), primary_key=True)
    siret: Mapped[str] = mapped_column(String(14), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    vat_mode: Mapped[str] = mapped_column(String(10), default=VAT_EXEMPT)
    vat_rate: Mapped[Decimal | None] = mapped_column(Money())
    payment_terms_days: Mapped[int] = mapped_column(default=30)
    late_payment_text: Mapped[str] = mapped_column(Text, default="")

    organization: Mapped[Organization] = relationship(lazy="joined")


class AccountMapping(db.Model):
    """The accounts of the charges of one ledger source prefix ("pooling.booking", "training")."""

    __tablename__ = "finance_account_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(60), unique=True)
    revenue_account: Mapped[str] = mapped_column(String(12))
    expense_account: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(120))


class Round(db.Model):
    __tablename__ = "finance_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime())
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    total: Mapped[Decimal] = mapped_column(Money())

    created_by: Mapped[User | None] = relationship(lazy="joined")
    transfers: Mapped[list[Transfer]] = relationship(back_populates="round", order_by="Transfer.id")


class RoundCharge(db.Model):
    """A charge frozen into a round: a charge belongs to at most one round."""

    __tablename__ = "finance_round_charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("finance_round.id"), index=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("core_charge.id"), unique=True)
    # the round that netted it back after the charge was released (None while it stands)
    reversed_in_id: Mapped[int | None] = mapped_column(ForeignKey("finance_round.id"), index=True)

    charge: Mapped[Charge] = relationship()


class Transfer(db.Model):
    __tablename__ = "finance_transfer"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive"),
        CheckConstraint("paid >= 0 AND paid <= amount", name="paid_within"),
        CheckConstraint("debtor_id <> creditor_id", name="two_parties"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("finance_round.id"), index=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    paid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    reminded_before: Mapped[bool] = mapped_column(default=False)
    reminded_overdue: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship(back_populates="transfers")
    debtor: Mapped[Organization] = relationship(foreign_keys=[debtor_id], lazy="joined")
    creditor: Mapped[Organization] = relationship(foreign_keys=[creditor_id], lazy="joined")

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.paid


class Payment(db.Model):
    __tablename__ = "finance_payment"
    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("finance_transfer.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    paid_on: Mapped[date] = mapped_column(Date, index=True)
    means: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(120), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    transfer: Mapped[Transfer] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")


class InvoiceCounter(db.Model):
    """The last number issued by an issuer in a year, locked while a number is taken."""

    __tablename__ = "finance_invoice_counter"

    issuer_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Invoice(db.Model):
    """An invoice or a credit note, with the mentions copied as they were on the day of issue."""

    __tablename__ = "finance_invoice"
    __table_args__ = (
        UniqueConstraint("issuer_id", "year", "number", name="number"),
        CheckConstraint("total > 0", name="positive"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    issuer_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    year: Mapped[int]
    number: Mapped[int]
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date] = mapped_column(Date)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("finance_round.id"), index=True)
    credited_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("finance_invoice.id"))
    total: Mapped[Decimal] = mapped_column(Money())
    issuer_name: Mapped[str] = mapped_column(String(200))
    issuer_address: Mapped[str] = mapped_column(String(300))
    issuer_siret: Mapped[str] = mapped_column(String(14))
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_address: Mapped[str] = mapped_column(String(300))
    vat_mention: Mapped[str] = mapped_column(String(200))
    payment_terms: Mapped[str] = mapped_column(String(200))
    late_payment_text: Mapped[str] = mapped_column(Text)

    lines: Mapped[list[InvoiceLine]] = relationship(order_by="InvoiceLine.id")
    credited_invoice: Mapped[Invoice | None] = relationship(remote_side=[id])

    @property
    def reference(self) -> str:
        prefix = "AV" if self.kind == CREDIT_NOTE else "F"
        return f"{prefix}-{self.issuer_id}-{self.year}-{self.number:05d}"

    @property
    def signed_total(self) -> Decimal:
        return -self.total if self.kind == CREDIT_NOTE else self.total


class InvoiceLine(db.Model):
    __tablename__ = "finance_invoice_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("amount > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("finance_invoice.id"), index=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("core_charge.id"), index=True)
    source: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price: Mapped[Decimal] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())


IMMUTABLE_TABLES = ("finance_invoice", "finance_invoice_line")


def immutable_ddl(dialect: str, table: str) -> list[str]:
    """Triggers refusing UPDATE and DELETE on an issued document's table (shared with the migration)."""
    message = f"{table} is immutable once issued"
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for verb in ("update", "delete")
        ]
    if dialect == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {table}_immutable() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_immutable()",
        ]
    return []


for _model in (Invoice, InvoiceLine):
    for _dialect in ("sqlite", "postgresql"):
        for _sql in immutable_ddl(_dialect, _model.__tablename__):
            event.listen(_model.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))
