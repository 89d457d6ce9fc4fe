"""The figures a results page charts, shared by the page (table alternative) and the SVG."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from modules.governance.services.results import PollResult

GRADE_LABELS = [_l("To reject"), _l("Poor"), _l("Fair"), _l("Fairly good"), _l("Very good"), _l("Excellent")]
ANSWERS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}


def _number(value) -> float:
    return round(float(value), 3)


def chart_data(result: PollResult) -> dict:
    poll, tally = result.poll, result.tally
    labels = [o.label for o in poll.options]
    if poll.method == "yes_no":
        keys = ["yes", "no", "abstain"]
        return {"title": poll.question, "labels": [str(ANSWERS[k]) for k in keys],
                "series": {_("Ballots"): [tally.counts.ballots[k] for k in keys],
                           _("Weight"): [_number(tally.counts.weight[k]) for k in keys]}}
    if poll.method in ("single", "approval"):
        n = len(labels)
        return {"title": poll.question, "labels": labels,
                "series": {_("Ballots"): [tally.counts.ballots[i] for i in range(n)],
                           _("Weight"): [_number(tally.counts.weight[i]) for i in range(n)]}}
    if poll.method == "ranked":
        paths = tally.schulze.paths
        n = len(labels)
        wins = [sum(1 for b in range(n) if b != a and paths[a][b] > paths[b][a]) for a in range(n)]
        return {"title": _("Options beaten by each option (strongest paths)"), "labels": labels,
                "series": {_("Options beaten"): wins}}
    return {"title": _("Majority grade of each option (0 to reject, 5 excellent)"), "labels": labels,
            "series": {_("Majority grade"): [o.median for o in tally.judgment.options]}}
