"""Labels of the permissions declared in the manifest."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "incubation.apply": _l("Describe one's project, apply to a track, submit milestones, request placements"),
    "incubation.host": _l("Declare a hosting offer and answer placement requests"),
    "incubation.coach": _l("Coach projects (when assigned by the coordinator)"),
    "incubation.manage": _l("Run the incubation: tracks, reviews, coaches, pipeline"),
}
