"""Labels of the permissions declared in the manifest (shown on the admin pages)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "finance.statement": _l("See the organization's statement, invoices, transfers and payments"),
    "finance.treasury": _l("Run settlement rounds, record payments, issue invoices and export the books (treasurer)"),
}
