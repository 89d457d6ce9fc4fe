"""Login, logout, password reset, profile, language and personal API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from core.accounts import services, throttle
from core.accounts.forms import ForgotForm, LoginForm, PasswordForm, ProfileForm, ResetForm, TokenForm
from core.api import tokens
from core.calendar import new_feed_token
from core.errors import DomainError
from core.extensions import db
from core.web.forms import safe_next
from core.web.lifecycle import submit

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        attempt = throttle.attempt(form.email.data, request.remote_addr)
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            attempt.succeeded()
            session.pop("locale", None)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, url_for("web.dashboard")))
        # Answered 200, so the audit trace of the failure is committed with the page.
        form.password.errors = [_("Unknown e-mail or wrong password.")]
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.logout_everywhere(current_user)
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        throttle.attempt(form.email.data, request.remote_addr, kind="reset")  # each request may send a mail
        services.request_password_reset(form.email.data)
        flash(_("If this address is known, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetForm()
    try:
        services.read_token(token, "password-reset", current_app.config["PASSWORD_RESET_MAX_AGE"])
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("accounts.forgot_password"))
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: services.reset_password(token, form.password.data),
            _("Your password is changed. You can log in."),
            url_for("accounts.login"),
        )
        if done:
            return done
    return render_template("accounts/reset.html", form=form)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
    return redirect(safe_next(request.form.get("next"), url_for("web.dashboard")))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user, prefix="profile")
    password_form = PasswordForm(prefix="password")
    token_form = TokenForm(prefix="token")
    here = url_for("accounts.profile")
    done = None
    if form.submit.data and form.validate_on_submit():
        done = submit(form, lambda: _update_profile(form), _("Your profile is saved."), here)
    if password_form.submit.data and password_form.validate_on_submit():
        done = submit(
            password_form,
            lambda: _change_password(password_form),
            _("Your password is changed; your other sessions are closed."),
            here,
        )
    if done:
        return done
    new_token = None
    if token_form.submit.data and token_form.validate_on_submit():
        _token, new_token = tokens.create_token(current_user, token_form.name.data)  # shown once, on this page
    user_tokens = db.session.scalars(
        db.select(tokens.ApiToken)
        .where(tokens.ApiToken.user_id == current_user.id)
        .order_by(tokens.ApiToken.created_at.desc())
    ).all()
    return render_template(
        "accounts/profile.html",
        form=form,
        password_form=password_form,
        token_form=token_form,
        new_token=new_token,
        tokens=user_tokens,
    )


def _update_profile(form: ProfileForm) -> None:
    services.update_profile(current_user, form.name.data, form.locale.data)
    session["locale"] = form.locale.data


def _change_password(form: PasswordForm) -> None:
    services.change_password(current_user, form.current_password.data, form.new_password.data)
    login_user(current_user)  # the session version changed: keep this session alive


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if not tokens.revoke(current_user, token_id):
        abort(404)  # someone else's token, or one already revoked
    flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/calendar-feed", methods=["POST"])
@login_required
def renew_calendar_feed():
    current_user.calendar_token = new_feed_token()
    flash(_("Your calendar feed has a new address; the old one no longer works."), "success")
    return redirect(url_for("web.calendar"))
