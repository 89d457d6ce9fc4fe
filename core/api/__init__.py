"""/api/v1: flask-smorest with one Api per app, bearer tokens, problem+json, pagination."""

from __future__ import annotations

import http
import math
from dataclasses import dataclass

import marshmallow as ma
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from core.clock import LocalTimeError, wall_clock
from core.db import MAX_ID
from core.extensions import db

PROBLEM_JSON = "application/problem+json"


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details: the body of every API error (see core/api/problems.py)."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True, metadata={"example": "Unprocessable Entity"})
    status = ma.fields.Integer(required=True, metadata={"example": 422})
    detail = ma.fields.String(required=True, metadata={"example": "end: The end must be after the start."})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={
            "description": "For validation errors: field name -> messages",
            "example": {"end": ["The end must be after the start."]},
        },
    )


class ErpApi(Api):
    """Errors are handled app-wide by core (problem+json under /api/, pages elsewhere), and
    documented as such: every error response of the OpenAPI document is a ProblemSchema."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


class Id(ma.fields.Integer):
    """A record id: positive and within the database's integer range, so that a huge number is
    refused as a 422 naming the field instead of overflowing a query."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", 1)
        super().__init__(validate=ma.validate.Range(min=1, max=MAX_ID), **kwargs)


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


def page_of_list(items: list, page: int, per_page: int) -> Page:
    """A page over a list computed in Python (a ranking, a tally), shaped like ``paginate``'s."""
    start = (page - 1) * per_page
    return Page(items[start : start + per_page], page, per_page, len(items))


class AwareDateTime(ma.fields.DateTime):
    """ISO 8601, returned in UTC; without an offset, a Paris wall-clock time, refused in the DST
    gap or fold (``core.clock.wall_clock``: one rule for every form and API)."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            return wall_clock(result)
        except LocalTimeError as error:
            raise ma.ValidationError(str(error)) from None


DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def _decimal_as_string(converter, field, ret: dict, **kwargs) -> dict:
    """Money and rates travel as strings ("12.50") to keep them exact; say so in the document
    (apispec would call them numbers, with numeric bounds that a string cannot have)."""
    if isinstance(field, ma.fields.Decimal) and field.as_string:
        for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            ret.pop(bound, None)
        return {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN}
    return {}


def init_api(app) -> ErpApi:
    api = ErpApi(
        app,
        spec_kwargs={
            "info": {
                "description": "API of the ressourceries network ERP. Authenticate with "
                "'Authorization: Bearer <token>' (create a token on your profile page)."
            },
        },
    )
    api.ma_plugin.converter.add_attribute_function(_decimal_as_string)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]
    app.extensions["erp_api"] = api
    return api
