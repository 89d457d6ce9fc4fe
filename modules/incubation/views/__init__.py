"""Web pages of the incubation module (thin: parse, call a service, render or redirect)."""

from flask import Blueprint

from modules.incubation.views import labels

bp = Blueprint("incubation", __name__, url_prefix="/incubation", template_folder="../templates")


@bp.context_processor
def _labels():
    return {
        "PROJECT_STATUS": labels.PROJECT_STATUS,
        "PLACEMENT_KIND": labels.PLACEMENT_KIND,
        "PLACEMENT_STATUS": labels.PLACEMENT_STATUS,
        "MILESTONE_STATUS": labels.MILESTONE_STATUS,
        "LEARNING_LABELS": labels.LEARNING_LABELS,
        "TIMELINE_KIND": labels.TIMELINE_KIND,
    }


from modules.incubation.views import hosting, projects, public, tracks  # noqa: E402,F401  (routes on bp)
