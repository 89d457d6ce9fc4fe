"""Pages over lists computed in Python (ranked needs, published ballots), shaped like core's Page."""

from __future__ import annotations

from core.api import Page


def page_of_list(items: list, page: int, per_page: int) -> Page:
    start = (page - 1) * per_page
    return Page(items[start : start + per_page], page, per_page, len(items))
