"""Every hook implementation of finance, and nothing else: its only contact with the shared pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.accounts.permissions import has_permission
from core.hookspecs import MenuItem, ScheduledJob, Widget, hookimpl
from modules.finance import jobs

SECTION = _l("Finance")


@hookimpl
def erp_menu_items(user):
    return [
        MenuItem(_l("Statement"), "finance.statement_page", "finance.statement", 60, SECTION),
        MenuItem(_l("Invoices"), "finance.invoice_list", "finance.statement", 61, SECTION),
        MenuItem(_l("Transfers and payments"), "finance.transfers", "finance.statement", 62, SECTION),
        MenuItem(_l("Settlement rounds"), "finance.round_list", "finance.treasury", 63, SECTION),
        MenuItem(_l("Treasury dashboard"), "finance.dashboard_page", "finance.treasury", 64, SECTION),
        MenuItem(_l("Accounting exports"), "finance.export_page", "finance.treasury", 65, SECTION),
        MenuItem(_l("Invoice settings"), "finance.issuer_settings", "finance.treasury", 66, SECTION),
    ]


@hookimpl
def erp_dashboard_widgets(user):
    from modules.finance.services.common import is_treasurer
    from modules.finance.views import member_widget, treasurer_widget

    if is_treasurer(user):
        return [Widget(_l("Treasury: to do"), treasurer_widget, 40)]
    if has_permission(user, "finance.statement"):
        return [Widget(_l("Amounts due by my structure"), lambda: member_widget(user), 40)]
    return []


@hookimpl
def erp_calendar_events(user, start, end, limit):
    from modules.finance.services.calendar import due_dates

    return due_dates(user, start, end, limit)


@hookimpl
def erp_scheduled_jobs():
    return [
        ScheduledJob("finance.send_reminders", jobs.send_reminders, every_minutes=60),
        ScheduledJob("finance.credit_released", jobs.credit_released, every_minutes=15),
    ]
