"""Scheduled work: reminders before the due date (idempotent: one per structure and period)."""
from modules.observatory.services.coordination import send_due_reminders


def remind_before_due() -> None:
    send_due_reminders()
