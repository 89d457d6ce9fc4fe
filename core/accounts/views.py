"""Login, logout, password reset, profile, language and personal API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from core.accounts import services
from core.accounts.forms import ForgotForm, LoginForm, PasswordForm, ProfileForm, ResetForm, TokenForm
from core.api import tokens
from core.calendar import new_feed_token
from core.errors import DomainError
from core.extensions import db, limiter
from core.web.forms import safe_next
from core.web.lifecycle import attach_error

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMITS"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_LIMITS"]


def _submitted_email() -> str:
    return "account:" + services.normalize_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_submitted_email)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.commit()  # keep the audit trace of the failure
            form.password.errors = [_("Unknown e-mail or wrong password.")]
        else:
            db.session.commit()
            session.pop("locale", None)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, url_for("web.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.logout_everywhere(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
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
        try:
            services.reset_password(token, form.password.data)
            db.session.commit()
            flash(_("Your password is changed. You can log in."), "success")
            return redirect(url_for("accounts.login"))
        except DomainError as error:
            attach_error(form, error)
    return render_template("accounts/reset.html", form=form)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("web.dashboard")))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user, prefix="profile")
    password_form = PasswordForm(prefix="password")
    token_form = TokenForm(prefix="token")
    if form.submit.data and form.validate_on_submit():
        try:
            services.update_profile(current_user, form.name.data, form.locale.data)
            session["locale"] = form.locale.data
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
        except DomainError as error:
            attach_error(form, error)
    if password_form.submit.data and password_form.validate_on_submit():
        try:
            services.change_password(current_user, password_form.current_password.data, password_form.new_password.data)
            db.session.commit()
            login_user(current_user)  # the session version changed: keep this session alive
            flash(_("Your password is changed; your other sessions are closed."), "success")
            return redirect(url_for("accounts.profile"))
        except DomainError as error:
            attach_error(password_form, error)
    new_token = None
    if token_form.submit.data and token_form.validate_on_submit():
        _token, new_token = tokens.create_token(current_user, token_form.name.data)
        db.session.commit()
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


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if not tokens.revoke(current_user, token_id):
        abort(404)  # someone else's token, or one already revoked
    db.session.commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/calendar-feed", methods=["POST"])
@login_required
def renew_calendar_feed():
    current_user.calendar_token = new_feed_token()
    db.session.commit()
    flash(_("Your calendar feed has a new address; the old one no longer works."), "success")
    return redirect(url_for("web.calendar"))
