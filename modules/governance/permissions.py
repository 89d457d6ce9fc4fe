"""Labels of the permissions declared in the manifest."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "governance.view": _l("See bodies, meetings, polls and results"),
    "governance.vote": _l("Vote and give proxies for one's organization"),
    "governance.manage": _l("Manage bodies, meetings and polls"),
    "governance.needs": _l("Post, join and rate shared needs"),
}
