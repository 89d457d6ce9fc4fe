"""Labels of the permissions declared in the manifest (shown on the admin's Modules page)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "exemplar.read": _l("Read notes"),
    "exemplar.write": _l("Write notes"),
}
