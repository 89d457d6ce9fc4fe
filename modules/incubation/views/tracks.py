"""Tracks, their stages and milestones (the coordinator defines them; everyone logged in reads them)."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.accounts.permissions import require
from core.extensions import db
from core.web.lifecycle import submit
from modules.incubation.forms import MilestoneForm, StageForm, TrackForm
from modules.incubation.models import Track
from modules.incubation.services import tracks as service
from modules.incubation.services.access import is_coordinator
from modules.incubation.views import bp


@bp.route("/tracks", methods=["GET", "POST"])
@login_required
def tracks():
    form = TrackForm()
    if is_coordinator(current_user) and form.validate_on_submit():
        done = submit(
            form,
            lambda: service.create_track(current_user, form.name.data, form.description.data),
            None,
            lambda track: url_for("incubation.track", track_id=track.id),
        )
        if done:
            return done
    items = db.session.scalars(db.select(Track).order_by(Track.name)).all()
    return render_template("incubation/tracks.html", tracks=items, form=form, coordinator=is_coordinator(current_user))


def _track_page(track: Track, stage_form=None, milestone_form=None, milestone_stage=None):
    return render_template(
        "incubation/track.html",
        track=track,
        coordinator=is_coordinator(current_user),
        stage_form=stage_form or StageForm(prefix="stage"),
        milestone_form=milestone_form or MilestoneForm(prefix="milestone"),
        blank_milestone_form=MilestoneForm(prefix="milestone", formdata=None),
        milestone_stage=milestone_stage,
    )


@bp.route("/tracks/<int:track_id>")
@login_required
def track(track_id: int):
    return _track_page(service.get_track(track_id))


@bp.route("/tracks/<int:track_id>/stages", methods=["POST"])
@require("incubation.manage")
def add_stage(track_id: int):
    track = service.get_track(track_id)
    form = StageForm(prefix="stage")
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: service.add_stage(current_user, track, form.name.data),
            _("The stage is added."),
            url_for("incubation.track", track_id=track_id),
        )
        if done:
            return done
    return _track_page(service.get_track(track_id), stage_form=form), 422


@bp.route("/tracks/<int:track_id>/stages/<int:stage_id>/milestones", methods=["POST"])
@require("incubation.manage")
def add_milestone(track_id: int, stage_id: int):
    stage = service.get_stage(track_id, stage_id)
    form = MilestoneForm(prefix="milestone")
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: service.add_milestone(
                current_user, stage, form.name.data, form.deliverables.data, form.target_days.data
            ),
            _("The milestone is added."),
            url_for("incubation.track", track_id=track_id),
        )
        if done:
            return done
    return _track_page(service.get_track(track_id), milestone_form=form, milestone_stage=stage_id), 422
