"""The dashboard card: the votes waiting for the user."""

from __future__ import annotations

from flask import render_template

from modules.governance.services.voting import pending_polls


def render_widget(user) -> str:
    return render_template("governance/widget.html", pending=pending_polls(user))
