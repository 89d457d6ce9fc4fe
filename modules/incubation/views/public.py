"""Public sign-up of project holders, e-mail confirmation, and the module's home page."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import DomainError
from core.extensions import db, limiter
from core.web.lifecycle import attach_error
from modules.incubation.forms import SignupForm
from modules.incubation.services import projects as service
from modules.incubation.services.access import is_coordinator, own_project
from modules.incubation.views import bp


def _signup_limit() -> str:
    return current_app.config["LOGIN_LIMITS"]


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("incubation.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            service.sign_up(
                form.email.data,
                form.name.data,
                form.password.data,
                form.project_name.data,
                form.territory.data,
                form.needs.data,
                str(get_locale() or "fr"),
            )
            db.session.commit()
            return render_template("incubation/signup_done.html", email=form.email.data)
        except DomainError as error:
            attach_error(form, error)
    return render_template("incubation/signup.html", form=form)


@bp.route("/confirm/<token>")
def confirm(token: str):
    try:
        service.confirm_email(token)
        db.session.commit()
        flash(_("Your e-mail address is confirmed. Log in to apply to a track."), "success")
    except DomainError as error:
        flash(error.message, "danger")
    return redirect(url_for("accounts.login"))


@bp.route("/")
@login_required
def home():
    project = own_project(current_user)
    if project is not None:
        return redirect(url_for("incubation.project", project_id=project.id))
    if is_coordinator(current_user):
        return redirect(url_for("incubation.pipeline"))
    return redirect(url_for("incubation.projects"))
