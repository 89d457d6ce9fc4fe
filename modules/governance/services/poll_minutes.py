"""The minutes of a closed poll (PDF): what was asked, how, who could vote, who delegated to whom,
the counts, the decision, and the result hash anyone can recompute from the published ballots."""

from __future__ import annotations

from flask_babel import gettext as _

from core.clock import local
from core.extensions import db
from core.pdf import Document
from core.web.urls import public_url
from modules.governance.models import PollVoter
from modules.governance.services.figures import (
    ABSTENTION_LABELS,
    METHOD_LABELS,
    RULE_LABELS,
    chart_data,
    choice_text,
    quorum_text,
    verdict,
)
from modules.governance.services.results import PollResult


def poll_minutes_pdf(result: PollResult) -> bytes:
    poll, tally = result.poll, result.tally
    doc = Document(_("Minutes of the vote: %(question)s", question=poll.question))
    opened, closed = (
        f"{local(moment):%d/%m/%Y %H:%M}"
        for moment in (poll.frozen_at or poll.opens_at, poll.closed_at or poll.closes_at)
    )
    doc.paragraph(f"{poll.body.name} · {_('Opened on %(when)s', when=opened)} · {_('Closed on %(when)s', when=closed)}")
    if poll.description:
        doc.paragraph(poll.description)
    doc.heading(_("Rules of the vote"))
    doc.paragraph(_("Voting method: %(text)s", text=METHOD_LABELS[poll.method]))
    doc.paragraph(_("Majority rule: %(text)s", text=f"{RULE_LABELS[poll.rule]}; {ABSTENTION_LABELS[poll.abstentions]}"))
    doc.paragraph(_("Secret ballot.") if poll.secret else _("Named ballot."))
    doc.heading(_("Voter list and proxies"))
    doc.paragraph(
        _(
            "Voter list (frozen at the opening): %(n)d seats, weight %(w)s",
            n=result.eligible_count,
            w=round(result.eligible_weight, 3),
        )
        if result.weighted
        else _("Voter list (frozen at the opening): %(n)d seats", n=result.eligible_count)
    )
    voters = {v.id: v for v in db.session.scalars(db.select(PollVoter).where(PollVoter.poll_id == poll.id))}
    proxies = sorted((v.label, voters[v.proxy_holder_id].label) for v in voters.values() if v.proxy_holder_id)
    for grantor, holder in proxies:
        doc.paragraph(_("%(grantor)s gave its proxy to %(holder)s.", grantor=grantor, holder=holder))
    if not proxies:
        doc.paragraph(_("No proxy."))
    doc.heading(_("Result"))
    doc.paragraph(
        _("Ballots cast: %(n)d, weight %(w)s", n=tally.voted_count, w=round(tally.voted_weight, 3))
        if result.weighted
        else _("Ballots cast: %(n)d", n=tally.voted_count)
    )
    doc.paragraph(_("Quorum: %(text)s", text=quorum_text(result)))
    figures = chart_data(result)
    doc.table_rows(
        [_("Answer") if poll.method == "yes_no" else _("Option"), *figures["series"]],
        [[label, *(values[i] for values in figures["series"].values())] for i, label in enumerate(figures["labels"])],
    )
    if tally.counts and tally.unweighted_known:
        doc.paragraph(_("Blank ballots: %(n)d", n=tally.counts.blank_ballots))
    doc.heading(verdict(result))
    if not poll.secret:
        doc.heading(_("Published ballots"))
        doc.table_rows(
            [_("Voter"), _("Choice")],
            [[ballot["voter"], choice_text(poll, ballot["choice"])] for ballot in result.ballots],
        )
    doc.heading(_("Result hash (SHA-256):"))
    doc.paragraph(result.hash)
    doc.paragraph(
        _(
            "Anyone can recompute it from the canonical document: %(url)s",
            url=public_url("governance.poll_canonical", poll_id=poll.id),
        )
    )
    return doc.render()
