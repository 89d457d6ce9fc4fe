"""How a closed poll reads: the figures it charts (page, SVG and PDF share them), the decision in words,
and each published ballot's choice in words."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from modules.governance.services.results import PollResult

GRADE_LABELS = [_l("To reject"), _l("Poor"), _l("Fair"), _l("Fairly good"), _l("Very good"), _l("Excellent")]
ANSWERS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
METHOD_LABELS = {
    "yes_no": _l("Yes / no / abstain"),
    "single": _l("Single choice"),
    "approval": _l("Approval voting"),
    "ranked": _l("Ranked (Condorcet-Schulze)"),
    "judgment": _l("Majority judgment"),
}
RULE_LABELS = {
    "simple": _l("Simple majority"),
    "absolute": _l("Absolute majority (of the voter list)"),
    "two_thirds": _l("Two thirds"),
    "three_quarters": _l("Three quarters"),
    "unanimity": _l("Unanimity"),
    "relative": _l("Relative majority (the most votes wins)"),
}
ABSTENTION_LABELS = {
    "excluded": _l("Abstentions are left out of the base"),
    "counted": _l("Abstentions count in the base (like a vote against)"),
}


def _number(value) -> float:
    return round(float(value), 3)


def chart_data(result: PollResult) -> dict:
    poll, tally = result.poll, result.tally
    labels = [o.label for o in poll.options]
    if poll.method in ("yes_no", "single", "approval"):
        keys = ["yes", "no", "abstain"] if poll.method == "yes_no" else list(range(len(labels)))
        # a secret poll pooling several weights has no unweighted figures to show (see tally.publication)
        series = {_("Ballots"): [tally.counts.ballots[k] for k in keys]} if tally.unweighted_known else {}
        if result.weighted:
            series[_("Weight")] = [_number(tally.counts.weight[k]) for k in keys]
        return {
            "title": poll.question,
            "series": series,
            "labels": [str(ANSWERS[k]) for k in keys] if poll.method == "yes_no" else labels,
        }
    if poll.method == "ranked":
        paths = tally.schulze.paths
        n = len(labels)
        wins = [sum(1 for b in range(n) if b != a and paths[a][b] > paths[b][a]) for a in range(n)]
        return {
            "title": _("Options beaten by each option (strongest paths)"),
            "labels": labels,
            "series": {_("Options beaten"): wins},
        }
    return {
        "title": _("Majority grade of each option (0 to reject, 5 excellent)"),
        "labels": labels,
        "series": {_("Majority grade"): [o.median for o in tally.judgment.options]},
    }


def verdict(result: PollResult) -> str:
    poll, tally = result.poll, result.tally
    if poll.method == "yes_no":
        return _("The motion is adopted.") if tally.passed else _("The motion is not adopted.")
    if tally.passed:
        return _("Elected: %(winner)s", winner=poll.options[tally.winners[0]].label)
    if not tally.quorum.reached:
        return _("No decision: the quorum is not reached.")
    return _("No decision: no option fulfils the rule alone.")


def quorum_text(result: PollResult) -> str:
    poll, quorum = result.poll, result.tally.quorum
    if poll.quorum_kind == "none":
        return _("No quorum")
    return (
        _(
            "%(reached)s %% reached, %(required)s %% required",
            reached=round(float(quorum.participation) * 100, 2),
            required=round(float(quorum.required) * 100, 2),
        )
        + " — "
        + (_("reached") if quorum.reached else _("not reached"))
    )


def choice_text(poll, choice) -> str:
    """A published choice as a person reads it (the raw form stays in the CSV and the canonical document)."""
    if choice is None or choice == []:
        return _("Blank ballot")
    labels = [o.label for o in poll.options]
    if poll.method == "yes_no":
        return str(ANSWERS[choice])
    if poll.method == "single":
        return labels[choice]
    if poll.method == "approval":
        return ", ".join(labels[i] for i in choice)
    if poll.method == "ranked":
        return " > ".join(labels[i] for i in choice)
    return ", ".join(
        _("%(option)s: %(grade)s", option=label, grade=GRADE_LABELS[grade]) for label, grade in zip(labels, choice)
    )
