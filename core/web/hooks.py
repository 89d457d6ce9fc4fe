"""Per-request plumbing: hide uninstalled modules, refuse NUL characters, feed the templates."""

from __future__ import annotations

from flask import abort, g, request
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.accounts.permissions import has_permission, is_admin
from core.accounts.roles import ORG_KINDS, ROLES
from core.clock import local
from core.hookspecs import MenuItem
from core.modules import owner_of_blueprint
from core.plugins import collect, installed_modules
from core.web.urls import public_url

ADMIN_MENU = [
    MenuItem(_l("Organizations"), "admin.organizations", "core.admin", 10, "admin"),
    MenuItem(_l("Users"), "admin.users", "core.admin", 20, "admin"),
    MenuItem(_l("Modules"), "admin.modules", "core.admin", 30, "admin"),
    MenuItem(_l("Ledger"), "admin.ledger_page", "core.ledger", 40, "admin"),
    MenuItem(_l("Jobs"), "admin.jobs_page", "core.admin", 50, "admin"),
    MenuItem(_l("Audit log"), "admin.audit", "core.admin", 60, "admin"),
]


def menu_for(user) -> list[MenuItem]:
    """The entries this user may open; a visitor gets the modules' public entries only."""
    items = collect("erp_menu_items", user=user)
    if not user.is_authenticated:
        return sorted((i for i in items if i.section == "public"), key=lambda i: i.order)
    visible = [
        i
        for i in items + ADMIN_MENU
        if i.section != "public" and (i.permission is None or has_permission(user, i.permission))
    ]
    return sorted(visible, key=lambda i: (i.order, str(i.label)))


def _menu_of_request() -> tuple[list[MenuItem], list]:
    """The menu and its groups, built once per request and person: a page renders several
    templates (the dashboard one per widget), and each asks for them."""
    user = current_user._get_current_object()
    key = (id(user), user.is_authenticated, frozenset(installed_modules()) if user.is_authenticated else None)
    memo = g.get("erp_menu")
    if memo is None or memo[0] != key:
        items = menu_for(user)
        memo = g.erp_menu = (key, items, menu_groups(items))
    return memo[1], memo[2]


def menu_groups(items: list[MenuItem]) -> list[tuple[object, list[MenuItem]]]:
    """Top-level entries and one dropdown per section, in menu order; Administration comes last."""
    groups: dict[str, tuple[object, list[MenuItem]]] = {}
    for item in items:
        if item.section == "admin":
            continue
        section = None if item.section == "public" else item.section
        key = str(section) if section is not None else f"item:{item.endpoint}"
        groups.setdefault(key, (section, []))[1].append(item)
    return list(groups.values())


def module_titles() -> dict[str, str]:
    """Each installed module's name in the user's language: its menu dropdown, else its first entry."""
    titles: dict[str, str] = {}
    for item in _menu_of_request()[0]:
        owner = owner_of_blueprint(item.endpoint)
        if owner and owner not in titles:
            titles[owner] = str(item.section if item.section not in (None, "admin") else item.label)
    return dict(sorted(titles.items(), key=lambda pair: pair[1]))


def format_datetime(value, fmt: str = "%d/%m/%Y %H:%M") -> str:
    return local(value).strftime(fmt) if value else ""


def format_money(value) -> str:
    if value is None:
        return ""
    text = f"{value:,.2f}"
    if str(get_locale()) == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
        return f"{text}\u00a0€"
    return f"€{text}"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def register(app) -> None:
    @app.before_request
    def _refuse_nul_characters():
        # PostgreSQL cannot store NUL in text: refuse it for every form, query and JSON body at once.
        fields = list(request.args.values()) + list(request.form.values())
        if _has_nul(fields) or (request.is_json and _has_nul(request.get_json(silent=True))):
            abort(400, description=_("The input contains a NUL character, which is not allowed."))

    @app.before_request
    def _hide_uninstalled_modules():
        owner = owner_of_blueprint(request.blueprint)
        if owner and owner not in installed_modules():
            abort(404)

    @app.context_processor
    def _template_globals():
        items, groups = _menu_of_request()
        return {
            "menu_items": items,
            "menu_groups": groups,
            "current_locale": str(get_locale()),
            "can": lambda permission, org=None: has_permission(current_user, permission, org),
            "is_admin": is_admin(current_user),
            "installed": installed_modules() if current_user.is_authenticated else set(),
            "role_labels": ROLES,
            "org_kinds": ORG_KINDS,
        }

    app.jinja_env.globals["public_url"] = public_url
    app.jinja_env.filters["dt"] = format_datetime
    app.jinja_env.filters["month_name"] = lambda day: format_date(day, "LLLL y").capitalize()
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["nl2br"] = lambda text: Markup("<br>").join((text or "").splitlines())
