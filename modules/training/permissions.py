"""Labels of the permissions declared in the manifest (shown on the admin pages)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "training.view": _l("See the training catalogue and sessions"),
    "training.enrol": _l("Enrol the organization's staff and volunteers in sessions"),
    "training.interest": _l("Register the organization's interest in a course"),
    "training.report": _l("Download the organization's training report"),
    "training.attendance": _l("Take attendance in the sessions one trains"),
    "training.manage": _l("Manage trainers, courses and sessions (coordinator)"),
}
