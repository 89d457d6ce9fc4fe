"""Scheduled work of the pooling module; each function is idempotent."""

from __future__ import annotations

from modules.pooling.services import handover, purchases


def remind_late_returns() -> None:
    handover.remind_late_returns()


def record_no_shows() -> None:
    handover.record_no_shows()


def close_due_campaigns() -> None:
    purchases.close_due_campaigns()


def close_campaign(campaign_id: int) -> None:
    purchases.close_campaign(campaign_id)
