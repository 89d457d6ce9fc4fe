"""Page-number pagination for HTML lists (one COUNT, one page query)."""
from __future__ import annotations

from flask import request

from core.api import Page, paginate

PER_PAGE = 25


def page_args() -> tuple[int, int]:
    try:
        page = max(1, min(int(request.args.get("page", 1)), 100000))
    except ValueError:
        page = 1
    return page, PER_PAGE


def paged(stmt) -> Page:
    page, per_page = page_args()
    return paginate(stmt, page, per_page)
