"""The pages: search by dates, item, booking forms with errors kept, actions, feeds, statements."""

from __future__ import annotations

import io
from datetime import timedelta

from core.clock import local
from core.db import utcnow
from core.extensions import db
from modules.pooling.models import Booking, ConditionReport
from modules.pooling.services import booking as service
from modules.pooling.services import handover
from tests.pooling.conftest import at

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _form_time(value):
    return local(value).strftime("%Y-%m-%dT%H:%M")


def test_search_by_dates_lists_free_items_nearest_first(client, login_as, net, make_equipment):
    make_equipment(name="Remorque proche", site=net.booker)
    far = make_equipment(name="Camion lointain", site=net.other)
    service.book(net.other_staff, far.id, at(3, 9), at(5, 18))
    login_as(net.staff)
    page = client.get("/pooling/", query_string={"start": _form_time(at(4, 9)), "end": _form_time(at(4, 18))})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.index("Remorque proche") < html.index("Camion lointain")
    assert "0 / 1" in html and "1 / 1" in html
    within = client.get(
        "/pooling/", query_string={"start": _form_time(at(4, 9)), "end": _form_time(at(4, 18)), "max_km": "10"}
    ).get_data(as_text=True)
    assert "Remorque proche" in within and "Camion lointain" not in within


def test_search_and_site_pages_issue_a_bounded_number_of_queries(client, login_as, net, make_equipment, query_counter):
    login_as(net.staff)
    args = {"start": _form_time(at(4, 9)), "end": _form_time(at(4, 18))}

    def counts():
        db.session.commit()  # the test's own pending writes are not the page's queries
        with query_counter() as search:
            assert client.get("/pooling/", query_string=args).status_code == 200
        with query_counter() as site:
            assert client.get(f"/pooling/sites/{net.owner.id}").status_code == 200
        with query_counter() as listing:
            assert client.get("/pooling/bookings").status_code == 200
        return search.count, site.count, listing.count

    for i in range(2):
        item = make_equipment(name=f"Item {i}", units=2)
        service.book(net.staff, item.id, at(4, 9), at(4, 12))
    few = counts()
    for i in range(2, 20):
        item = make_equipment(name=f"Item {i}", units=2)
        service.book(net.staff, item.id, at(4, 9), at(4, 12))
        service.book(net.staff, item.id, at(6, 9), at(6, 12))
    db.session.commit()
    assert counts() == few


def test_booking_form_errors_keep_the_input_and_write_nothing(client, login_as, net, make_equipment):
    van = make_equipment()
    login_as(net.staff)
    response = client.post(
        f"/pooling/equipment/{van.id}/book",
        data={
            "start": _form_time(at(3, 15)),
            "end": _form_time(at(3, 10)),
            "quantity": "1",
            "organization_id": str(net.booker.id),
            "purpose": "Collecte au Salon",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Collecte au Salon" in html and "is-invalid" in html
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 0
    garbage = client.post(f"/pooling/equipment/{van.id}/book", data={"start": "tuesday", "end": "", "quantity": "x"})
    assert garbage.status_code == 422


def test_booking_through_the_page_then_cancel(client, login_as, net, make_equipment):
    van = make_equipment()
    login_as(net.staff)
    response = client.post(
        f"/pooling/equipment/{van.id}/book",
        data={
            "start": _form_time(at(3, 9)),
            "end": _form_time(at(3, 17)),
            "quantity": "1",
            "organization_id": str(net.booker.id),
        },
    )
    assert response.status_code == 302
    booking = db.session.scalar(db.select(Booking))
    assert local(booking.start_at).hour == 9
    page = client.get(f"/pooling/bookings/{booking.id}").get_data(as_text=True)
    assert "Camion" in page
    taken = client.post(
        f"/pooling/equipment/{van.id}/book",
        data={
            "start": _form_time(at(3, 10)),
            "end": _form_time(at(3, 12)),
            "quantity": "1",
            "organization_id": str(net.booker.id),
        },
    )
    assert taken.status_code == 422 and db.session.scalar(db.select(db.func.count(Booking.id))) == 1
    assert client.post(f"/pooling/bookings/{booking.id}/cancel").status_code == 302
    db.session.refresh(booking)
    assert booking.status == "cancelled"


def test_handover_with_photo_and_damage(client, login_as, net, make_equipment):
    van = make_equipment()
    [booking] = service.book(net.staff, van.id, utcnow() + timedelta(minutes=2), utcnow() + timedelta(hours=4))
    db.session.commit()
    login_as(net.owner_staff)
    out = client.post(
        f"/pooling/bookings/{booking.id}/check-out",
        data={"state": "good", "comment": "ok", "photo": (io.BytesIO(PNG), "van.png")},
        content_type="multipart/form-data",
    )
    assert out.status_code == 302
    bad = client.post(
        f"/pooling/bookings/{booking.id}/check-in",
        data={"state": "damaged", "photo": (io.BytesIO(b"not an image"), "x.png")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    back = client.post(f"/pooling/bookings/{booking.id}/check-in", data={"state": "damaged", "comment": "dent"})
    assert back.status_code == 302
    report = db.session.scalar(db.select(ConditionReport).where(ConditionReport.moment == "check_out"))
    photo = client.get(f"/pooling/reports/{report.id}/photo")
    assert photo.status_code == 200 and photo.data == PNG


def test_item_page_qr_code_and_feeds(client, login_as, net, make_equipment):
    van = make_equipment()
    service.book(net.staff, van.id, at(3, 9), at(3, 17), purpose="Déménagement")
    db.session.commit()
    login_as(net.owner_manager)
    page = client.get(f"/pooling/equipment/{van.id}")
    assert page.status_code == 200 and "Ressourcerie Emprunteuse" in page.get_data(as_text=True)
    qr = client.get(f"/pooling/equipment/{van.id}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert client.post(f"/pooling/equipment/{van.id}/feed").status_code == 302
    db.session.refresh(van)
    feed = client.get(f"/pooling/feeds/{van.feed_token}.ics")
    assert feed.status_code == 200 and b"Camion" in feed.data and b"DTSTART" in feed.data
    assert client.get("/pooling/feeds/not-a-valid-token-at-all-xx.ics").status_code == 404
    client.post("/logout")
    login_as(net.staff)
    assert client.post(f"/pooling/organizations/{net.booker.id}/feed").status_code == 302
    listing = client.get("/pooling/bookings").get_data(as_text=True)
    token = listing.split("/pooling/feeds/")[1].split(".ics")[0]
    assert b"Camion" in client.get(f"/pooling/feeds/{token}.ics").data


def test_unified_calendar_shows_bookings(client, login_as, net, make_equipment):
    van = make_equipment()
    service.book(net.staff, van.id, at(1, 9), at(1, 17))
    db.session.commit()
    login_as(net.staff)
    html = client.get("/calendar").get_data(as_text=True)
    assert "Camion" in html


def test_calendar_events_with_a_limit_are_the_earliest(net, make_equipment):
    from core.calendar import events_for

    van = make_equipment()
    for day in (3, 1, 2):
        service.book(net.staff, van.id, at(day, 9), at(day, 17))
    db.session.commit()
    every = events_for(net.staff, at(0, 0), at(5, 0))
    assert [e.start for e in every] == [at(1, 9), at(2, 9), at(3, 9)]
    assert every[0].title == "Camion #1 – Ressourcerie Emprunteuse" and every[0].location
    assert events_for(net.staff, at(0, 0), at(5, 0), limit=2) == every[:2]


def test_usage_statement_csv_and_chart(client, login_as, net, make_equipment):
    van = make_equipment()
    [booking] = service.book(net.staff, van.id, utcnow() + timedelta(minutes=1), utcnow() + timedelta(hours=3))
    handover.check_out(net.staff, booking.id, "good")
    handover.check_in(net.staff, booking.id, "good")
    db.session.commit()
    login_as(net.staff)
    page = client.get(f"/pooling/usage?organization={net.booker.id}")
    assert page.status_code == 200 and "Camion" in page.get_data(as_text=True)
    csv_text = client.get(f"/pooling/usage.csv?organization={net.booker.id}").get_data(as_text=True)
    assert (
        csv_text.splitlines()[0] == "\ufeffbooking;item;unit;organization;start;end;days;fee_eur"
        and "Camion" in csv_text
    )
    assert client.get(f"/pooling/usage.svg?organization={net.booker.id}").mimetype == "image/svg+xml"
    assert client.get(f"/pooling/usage?organization={net.other.id}").status_code == 404
    assert client.get(f"/pooling/usage?equipment={van.id}").status_code == 404  # not the owner
    client.post("/logout")
    login_as(net.owner_manager)
    assert "Camion" in client.get(f"/pooling/usage.csv?equipment={van.id}").get_data(as_text=True)


def test_register_equipment_and_declare_maintenance(client, login_as, net):
    login_as(net.owner_manager)
    assert client.get("/pooling/equipment/new").status_code == 200
    data = {
        "name": "Presse à balles",
        "category": "baler",
        "organization_id": net.owner.id,
        "site_id": net.owner.id,
        "units": "1",
        "booking_scope": "all",
        "min_hours": "2",
        "max_hours": "1",
        "lead_hours": "24",
        "buffer_minutes": "30",
        "open_weekdays": ["1", "2", "3"],
        "fee_per_day": "40",
        "photo": (io.BytesIO(PNG), "presse.png"),
    }
    bad = client.post("/pooling/equipment/new", data=data, content_type="multipart/form-data")
    assert bad.status_code == 422 and "Presse à balles" in bad.get_data(as_text=True)
    data.update(max_hours="48", photo=(io.BytesIO(PNG), "presse.png"))
    created = client.post("/pooling/equipment/new", data=data, content_type="multipart/form-data")
    assert created.status_code == 302
    item_url = created.headers["Location"]
    item_id = int(item_url.rstrip("/").split("/")[-1])
    assert client.get(f"/pooling/equipment/{item_id}/photo").data == PNG
    declared = client.post(
        f"/pooling/equipment/{item_id}/unavailability",
        data={
            "period-kind": "maintenance",
            "period-start": _form_time(at(2, 8)),
            "period-end": _form_time(at(3, 18)),
            "period-unit_id": "0",
            "period-reason": "Révision",
        },
    )
    assert declared.status_code == 302
    assert "Révision" in client.get(item_url).get_data(as_text=True)


def test_dashboard_widget_shows_what_needs_action(client, login_as, net, make_equipment):
    van = make_equipment(approval_required=True)
    service.book(net.staff, van.id, at(2), at(2, 12))
    db.session.commit()
    login_as(net.owner_manager)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "/pooling/approvals" in html and "1 " in html
    client.post("/logout")
    login_as(net.staff)
    assert "Camion" in client.get("/dashboard").get_data(as_text=True)


def test_pages_and_mails_speak_french_by_default(client, login_as, net, make_equipment):
    from core.mail import OutgoingMail

    van = make_equipment()
    service.book(net.staff, van.id, at(2), at(2, 12))
    db.session.commit()
    login_as(net.staff)
    assert "Trouver du matériel partagé" in client.get("/pooling/").get_data(as_text=True)
    mail = db.session.scalar(db.select(OutgoingMail))
    assert mail.subject.startswith("Réservation confirmée")


def test_observatory_indicators_count_booking_days(app, net, make_equipment):
    from core.plugins import collect

    van = make_equipment()
    [booking] = service.book(net.staff, van.id, utcnow() + timedelta(minutes=1), utcnow() + timedelta(hours=30))
    handover.check_out(net.staff, booking.id, "good")
    handover.check_in(net.staff, booking.id, "good")
    booking.end_at = booking.end_with_buffer = booking.start_at + timedelta(hours=30)  # two days
    db.session.commit()
    today = local(utcnow()).date()
    indicators = {
        i.code: i
        for i in collect(
            "erp_observatory_indicators",
            start=today - timedelta(days=1),
            end=today + timedelta(days=2),
            organization_ids=None,
        )
    }
    assert indicators["pooling.booking_days"].values == {net.booker.id: 2}
