"""Labels of the permissions declared in the manifest (network admins hold them all)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "observatory.view": _l("See the activity reports and dashboard of one's structure"),
    "observatory.report": _l("Fill and submit one's structure's activity reports"),
    "observatory.region": _l("See the regional activity dashboard"),
    "observatory.coordinate": _l("Run the observatory: periods, indicators, validation"),
}
