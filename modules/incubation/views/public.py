"""Public sign-up of project holders, e-mail confirmation, and the module's home page."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.accounts import throttle
from core.web.lifecycle import act, keep_writes, submit
from modules.incubation.forms import SignupForm
from modules.incubation.services import projects as service
from modules.incubation.services.access import is_coordinator, own_project
from modules.incubation.views import bp


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("incubation.home"))
    form = SignupForm()
    if request.method == "POST":  # each sign-up may send a mail: counted like a password reset
        throttle.attempt(request.form.get("email", ""), request.remote_addr, kind="incubation.signup")
    if form.validate_on_submit() and submit(
        form,
        lambda: service.sign_up(
            form.email.data,
            form.name.data,
            form.password.data,
            form.project_name.data,
            form.territory.data,
            form.needs.data,
            str(get_locale() or "fr"),
        ),
        None,
        url_for("incubation.signup"),
    ):
        # the page answers the POST itself, to name the address without keeping it in the session
        return render_template("incubation/signup_done.html", email=form.email.data)
    return render_template("incubation/signup.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/confirm/<token>")
def confirm(token: str):
    keep_writes()
    return act(
        lambda: service.confirm_email(token),
        _("Your e-mail address is confirmed. Log in to apply to a track."),
        url_for("accounts.login"),
    )


@bp.route("/")
@login_required
def home():
    project = own_project(current_user)
    if project is not None:
        return redirect(url_for("incubation.project", project_id=project.id))
    if is_coordinator(current_user):
        return redirect(url_for("incubation.pipeline"))
    return redirect(url_for("incubation.projects"))
