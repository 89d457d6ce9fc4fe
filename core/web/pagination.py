"""Page-number pagination for HTML lists (one COUNT, one page query)."""

from __future__ import annotations

from flask import request
from sqlalchemy import or_

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


def search_term() -> str:
    return request.args.get("q", "").strip()[:100]


def matching(stmt, term: str, *columns):
    """Rows where any of ``columns`` contains ``term`` (case-insensitive); all rows if it is empty."""
    # autoescape: a typed % or _ is searched for, not a wildcard.
    return stmt.where(or_(*(column.icontains(term, autoescape=True) for column in columns))) if term else stmt
