"""Small helpers of the governance views."""

from __future__ import annotations

from flask import render_template

from core.api import page_of_list
from core.web.pagination import page_args


def page(template: str, *forms, refused: bool = False, **context):
    """The page, answered 422 when it shows a refusal (nothing was written): ``refused``, or a form's errors."""
    status = 422 if refused or any(form.errors for form in forms) else 200
    return render_template(template, **context), status


def paged_list(items: list):
    """A page (from the query string) of a list computed in Python: a ranking, the published ballots."""
    return page_of_list(items, *page_args())
