"""A dashboard hook slower than ERP_HOOK_SLOW_MS (the test sets a small one)."""

import time

from core.hookspecs import Widget, hookimpl

DELAY_SECONDS = 0.15


@hookimpl
def erp_dashboard_widgets(user):
    time.sleep(DELAY_SECONDS)
    return [Widget("Sluggish card", lambda: "<p>sluggish widget</p>", 2)]
