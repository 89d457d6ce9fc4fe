"""Thin pages: parse the request, call a service, render or redirect."""

from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training", template_folder="../templates")

from modules.training.views import attendance, catalogue, enrolment, public  # noqa: E402,F401 - routes
