"""Scheduled work: reminders before the due date (idempotent: one per structure and period), and
the hourly snapshot of the other modules' figures of the whole network."""

from core.clock import today
from modules.observatory.services import contributions
from modules.observatory.services.coordination import send_due_reminders
from modules.observatory.services.figures import default_year


def remind_before_due() -> None:
    send_due_reminders()


def refresh_contributions() -> None:
    """This year's and last year's (their figures still change: bookings, trainings, votes), and the
    year before the one a dashboard opens on (its comparison column, in the first quarter)."""
    year = today().year
    for refreshed in sorted({year, year - 1, default_year() - 1}, reverse=True):
        contributions.refresh(refreshed)
