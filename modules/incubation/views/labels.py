"""Translated labels of the module's codes, shared by pages and mails."""

from flask_babel import lazy_gettext as _l

PROJECT_STATUS = {
    "draft": _l("not applied yet"),
    "submitted": _l("application under review"),
    "needs_info": _l("more information asked"),
    "accepted": _l("on the track"),
    "refused": _l("application refused"),
    "completed": _l("track completed"),
}
PLACEMENT_KIND = {"immersion": _l("Immersion (a period)"), "visit": _l("Visit (one day)")}
PLACEMENT_STATUS = {
    "requested": _l("requested"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "cancelled": _l("cancelled"),
}
MILESTONE_STATUS = {
    "pending": _l("to do"),
    "submitted": _l("submitted"),
    "returned": _l("returned"),
    "validated": _l("validated"),
}
LEARNING_LABELS = {
    "collection": _l("Collection"),
    "sorting": _l("Sorting"),
    "repair": _l("Repair"),
    "shop": _l("Shop"),
    "awareness": _l("Awareness"),
}
TIMELINE_KIND = {
    "application": _l("Application"),
    "stage": _l("Stage"),
    "milestone_target": _l("Milestone"),
    "milestone_done": _l("Milestone"),
    "placement": _l("Placement"),
    "visit": _l("Visit"),
    "journal": _l("Journal"),
}
