"""Marshmallow schemas of the pooling API."""

from __future__ import annotations

from datetime import date

import marshmallow as ma

from core.api import AwareDateTime, Id, PageArgs
from modules.pooling.services.booking import MAX_UNITS_AT_ONCE


class OrgRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class EquipmentSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String(metadata={"example": "Utility van 12 m3"})
    category = ma.fields.String(metadata={"example": "vehicle"})
    description = ma.fields.String()
    owner = ma.fields.Nested(OrgRefSchema)
    site = ma.fields.Nested(OrgRefSchema)
    site_address = ma.fields.String()
    units = ma.fields.Integer()
    approval_required = ma.fields.Boolean()
    min_hours = ma.fields.Integer()
    max_hours = ma.fields.Integer()
    lead_hours = ma.fields.Integer()
    buffer_minutes = ma.fields.Integer()
    fee_per_day = ma.fields.Decimal(as_string=True)
    fee_per_half_day = ma.fields.Decimal(as_string=True)
    deposit = ma.fields.Decimal(as_string=True)


class EquipmentQuery(PageArgs):
    category = ma.fields.String(validate=ma.validate.Length(max=80))
    site_id = Id()
    q = ma.fields.String(validate=ma.validate.Length(max=100))


class SearchQuery(ma.Schema):
    start = AwareDateTime(required=True, metadata={"example": "2026-12-01T09:00:00+01:00"})
    end = AwareDateTime(required=True, metadata={"example": "2026-12-03T18:00:00+01:00"})
    category = ma.fields.String(validate=ma.validate.Length(max=80))
    site_id = Id()
    max_km = ma.fields.Float(validate=ma.validate.Range(min=0, max=2000))
    organization_id = Id(metadata={"description": "The organization you book for"})

    @ma.validates_schema
    def _order(self, data, **kwargs):
        if data["end"] <= data["start"]:
            raise ma.ValidationError("The end must be after the start.", "end")


class SearchResultSchema(ma.Schema):
    equipment = ma.fields.Nested(EquipmentSchema)
    free_units = ma.fields.Integer()
    distance_km = ma.fields.Float(allow_none=True)
    bookable = ma.fields.Boolean()
    problems = ma.fields.List(ma.fields.String())


class AvailabilityQuery(ma.Schema):
    # bounded so that the days counted from it stay in the calendar (9999-12-31 + 28 days overflows)
    first_day = ma.fields.Date(
        validate=ma.validate.Range(min=date(2000, 1, 1), max=date(2999, 12, 31)), metadata={"example": "2026-12-01"}
    )
    days = ma.fields.Integer(load_default=28, validate=ma.validate.Range(min=1, max=92))


class DayAvailabilitySchema(ma.Schema):
    day = ma.fields.Date()
    free_units = ma.fields.Integer()


class BookingSchema(ma.Schema):
    id = ma.fields.Integer()
    equipment_id = ma.fields.Integer()
    unit = ma.fields.Integer(attribute="unit.number")
    organization_id = ma.fields.Integer()
    start = ma.fields.DateTime(attribute="start_at")
    end = ma.fields.DateTime(attribute="end_at")
    status = ma.fields.String(metadata={"example": "approved"})
    purpose = ma.fields.String()
    fee = ma.fields.Decimal(as_string=True)
    refusal_reason = ma.fields.String()
    late = ma.fields.Boolean(attribute="is_late")


class BookingQuery(PageArgs):
    status = ma.fields.String(
        validate=ma.validate.OneOf(
            ["requested", "approved", "picked_up", "returned", "refused", "cancelled", "no_show"]
        )
    )


class BookRequestSchema(ma.Schema):
    equipment_id = Id(required=True)
    start = AwareDateTime(required=True, metadata={"example": "2026-12-01T09:00:00+01:00"})
    end = AwareDateTime(required=True, metadata={"example": "2026-12-03T18:00:00+01:00"})
    quantity = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_UNITS_AT_ONCE))
    organization_id = Id(metadata={"description": "Needed when you act for several organizations"})
    purpose = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))


class RefuseSchema(ma.Schema):
    reason = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=300),
        metadata={"example": "The van is needed for a collection that day."},
    )
