"""/api/v1: flask-smorest with one Api per app, bearer tokens, problem+json, pagination."""
from __future__ import annotations

import math
from dataclasses import dataclass

import marshmallow as ma
from flask_smorest import Api

from core.extensions import db


class ErpApi(Api):
    """Errors are handled app-wide by core (problem+json under /api/, pages elsewhere)."""

    def _register_error_handlers(self):
        pass


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    per_page = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=100))


_page_schemas: dict[type, type] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The response schema of a page of ``item_schema`` items (one class per item schema)."""
    if item_schema not in _page_schemas:
        _page_schemas[item_schema] = type(
            f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
            (ma.Schema,),
            {
                "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
                "page": ma.fields.Integer(required=True),
                "per_page": ma.fields.Integer(required=True),
                "total": ma.fields.Integer(required=True),
                "pages": ma.fields.Integer(required=True),
            },
        )
    return _page_schemas[item_schema]


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def paginate(stmt, page: int = 1, per_page: int = 25) -> Page:
    """One COUNT and one page query, whatever the number of rows."""
    total = db.session.scalar(db.select(db.func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)


def init_api(app) -> ErpApi:
    api = ErpApi(
        app,
        spec_kwargs={
            "info": {"description": "API of the ressourceries network ERP. Authenticate with "
                     "'Authorization: Bearer <token>' (create a token on your profile page)."},
        },
    )
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]
    app.extensions["erp_api"] = api
    return api
