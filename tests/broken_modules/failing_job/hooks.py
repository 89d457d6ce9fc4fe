"""Schedules its failing job every minute."""

from core.hookspecs import ScheduledJob, hookimpl
from failing_job.jobs import always_fails


@hookimpl
def erp_scheduled_jobs():
    return [ScheduledJob("failing_job.always_fails", always_fails, every_minutes=1)]
