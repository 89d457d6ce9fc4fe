"""Organizations are walled off from each other, and so are projects and ballots.

On the demo network, Limoges (organization B) gets private records in every module, each carrying
a marker. Then, for every route of the URL map that takes an id (a new route is covered by
itself), users of Tours (organization A: its manager and a staff member) and a project holder
(another project) ask for B's records: reads, changes and deletions, on the pages and on the API.
Each answer is a 403 or 404 and never shows a marker, and the database is left unchanged.
Routes where B's record is legitimately shared, or whose value is a secret token rather than an id,
are listed below with the reason; the shared ones are still requested and must not show a marker.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import FileStorage

from core import uploads
from core.accounts.models import Organization, User
from core.api.tokens import create_token
from core.audit import AuditEntry
from core.db import utcnow
from core.demo import DEMO_PASSWORD, email
from core.extensions import db
from modules.governance.models import Action, Ballot, BodyMember, Meeting, Poll, PollVoter, Proxy
from modules.incubation.models import Document, JournalEntry, Placement
from modules.pooling.models import Booking, ConditionReport, Unavailability
from modules.training.models import Course, Interest

MARKER = "LIMOGES-PRIVATE"
VICTIM_ORG = "Ressourcerie Limousine"
VICTIM_PROJECT = "Projet de recyclerie à Romorantin"  # coached by nobody of Tours, not the attacker's
ATTACKERS = ("gestion", "equipe", "porteuse")  # Tours' manager and staff member, Vierzon's project holder

# The value is a credential or a public code, not a record id: whoever holds it may use it.
PUBLIC = {
    "static": "static files",
    "bootstrap.static": "static files",
    "accounts.reset_password": "the reset token is the credential (expiring, single use: tests/core/test_accounts.py)",
    "accounts.set_language": "a language code",
    "web.calendar_feed": "the personal feed token is the credential (revocable: tests/core/test_admin_calendar.py)",
    "pooling.feed": "the equipment or organization feed token is the credential",
    "training.verify": "public certificate verification by its code",
    "training.certificate_pdf": "the certificate's verification code is what a holder shows to a third party",
    "training_api.verify_certificate": "public certificate verification by its code",
    "training.survey": "the survey token sent to the participant is the credential",
    "incubation.confirm": "the e-mail confirmation token is the credential",
    "observatory.chart_svg": "a chart name; the chart is of figures the user may see",
    "observatory.export": "a table name; the export holds figures the user may see",
    "observatory.summary_pdf": "a year; the regional summary is for board members (permission checked)",
}
# B's record is legitimately visible to (or usable by) A; the answer must still show no private marker.
SHARED = {
    "core_api.get_organization": "names and contacts of organizations are shared among members",
    "pooling.item": "the pool is network-wide: every member sees every item",
    "pooling.photo": "the pool is network-wide",
    "pooling.qr_code": "the pool is network-wide",
    "pooling.site": "the pool is network-wide: a site lists its items",
    "pooling.book": "any member may book any pooled item (for its own organization)",
    "pooling_api.show_equipment": "the pool is network-wide",
    "pooling_api.equipment_availability": "the pool is network-wide",
    "pooling.campaign": "group purchases are network-wide; a member sees its own pledges",
    "pooling.pledge": "any member pledges for its own organization",
    "pooling_api.show_campaign": "group purchases are network-wide",
    "pooling_api.list_shares": "group purchases are network-wide; a member sees its own share",
    "pooling_api.set_pledge": "any member pledges for its own organization",
    "training.course_detail": "the catalogue is network-wide",
    "training.session_detail": "sessions are open to every member; enrolments are filtered",
    "training.enrol": "any member enrols its own staff",
    "training_api.get_one_session": "sessions are open to every member",
    "training_api.enrolments": "GET filtered to the caller's organization; POST: any member enrols its own staff",
    "training_api.waiting_list": "filtered to the caller's organization",
    "incubation.track": "tracks are the network's programme",
    "incubation.site": "host sites are listed for project holders to ask for a placement",
    "governance.body_detail": "bodies and their members are public to the network",
    "governance.meeting_detail": "meetings of the network's bodies are public to members",
    "governance.meeting_minutes": "minutes are public to members",
    "governance.need_detail": "the needs board is shared: members join each other's needs",
    "governance.poll_detail": "polls are public to members; secret ballots are unlinkable (see below)",
    "governance.poll_results": "results are public to members",
    "governance.poll_csv": "published ballots: receipts and choices, never the voter of a secret ballot",
    "governance.poll_canonical": "published ballots, as above",
    "governance.poll_chart": "results are public to members",
    "governance_api.meeting_quorum": "meetings are public to members",
    "governance_api.support": "any member joins any open need (convergence)",
    "governance_api.get_poll": "polls are public to members",
    "governance_api.results": "results are public to members",
    "governance_api.published": "published ballots, as above",
    "governance_api.my_seats": "answers only with the caller's own seats",
    "governance_api.cast": "a voter votes in the polls of their body; another's seat is refused "
    "(test_a_voter_cannot_use_another_voters_seat)",
    "governance.poll_minutes": "the minutes of a poll are public to members",
    "pooling.order_pdf": "the purchase order and its delivery split go to the delivery sites (Tours is one)",
    "pooling.order_csv": "as the order PDF",
}
# Values of the parameters, by module and parameter names: B's records (:b is B's organization,
# :p the victim project). A route whose parameters are missing here makes the test fail.
VALUES = {
    ("core", ("job_id",)): "SELECT id AS job_id FROM core_job",
    ("core", ("org_id",)): "SELECT :b AS org_id",
    ("core", ("user_id",)): "SELECT user_id FROM core_membership WHERE organization_id = :b",
    (
        "core",
        ("membership_id", "user_id"),
    ): "SELECT user_id, id AS membership_id FROM core_membership WHERE organization_id = :b",
    ("core", ("action", "name")): "SELECT 'pooling' AS name, 'uninstall' AS action",
    ("core", ("name",)): "SELECT 'pooling' AS name",
    ("core", ("token_id",)): "SELECT t.id AS token_id FROM core_api_token t "
    "JOIN core_membership m ON m.user_id = t.user_id WHERE m.organization_id = :b",
    ("pooling", ("equipment_id",)): "SELECT id AS equipment_id FROM pooling_equipment WHERE organization_id = :b",
    ("pooling", ("booking_id",)): "SELECT b.id AS booking_id FROM pooling_booking b JOIN pooling_equipment e "
    "ON e.id = b.equipment_id WHERE b.organization_id = :b AND e.organization_id = :b",
    ("pooling", ("report_id",)): "SELECT r.id AS report_id FROM pooling_condition_report r "
    "JOIN pooling_booking b ON b.id = r.booking_id WHERE b.organization_id = :b",
    ("pooling", ("site_id",)): "SELECT :b AS site_id",
    ("pooling", ("period_id",)): "SELECT u.id AS period_id FROM pooling_unavailability u "
    "JOIN pooling_equipment e ON e.id = u.equipment_id WHERE e.organization_id = :b",
    ("pooling", ("organization_id",)): "SELECT :b AS organization_id",
    ("pooling", ("campaign_id",)): "SELECT id AS campaign_id FROM pooling_campaign",
    ("pooling", ("campaign_id", "product_id")): "SELECT campaign_id, id AS product_id FROM pooling_product",
    ("training", ("course_id",)): "SELECT id AS course_id FROM training_course",
    ("training", ("session_id",)): "SELECT id AS session_id FROM training_session WHERE host_organization_id = :b",
    ("training", ("enrolment_id",)): "SELECT id AS enrolment_id FROM training_enrolment WHERE organization_id = :b",
    ("training", ("slot_id",)): "SELECT s.id AS slot_id FROM training_slot s JOIN training_session t "
    "ON t.id = s.session_id WHERE t.host_organization_id = :b",
    ("training", ("interest_id",)): "SELECT id AS interest_id FROM training_interest WHERE organization_id = :b",
    ("training", ("trainer_id",)): "SELECT id AS trainer_id FROM training_trainer",
    ("finance", ("invoice_id",)): "SELECT id AS invoice_id FROM finance_invoice WHERE customer_id = :b",
    ("finance", ("transfer_id",)): "SELECT id AS transfer_id FROM finance_transfer WHERE debtor_id = :b",
    ("finance", ("round_id",)): "SELECT round_id FROM finance_transfer WHERE debtor_id = :b",
    ("incubation", ("project_id",)): "SELECT :p AS project_id",
    (
        "incubation",
        ("pm_id", "project_id"),
    ): "SELECT project_id, id AS pm_id FROM incubation_project_milestone WHERE project_id = :p",
    ("incubation", ("project_id", "user_id")): "SELECT project_id, user_id FROM incubation_coach WHERE project_id = :p",
    ("incubation", ("placement_id",)): "SELECT id AS placement_id FROM incubation_placement WHERE project_id = :p",
    ("incubation", ("document_id",)): "SELECT d.id AS document_id FROM incubation_document d JOIN "
    "incubation_project_milestone pm ON pm.id = d.project_milestone_id "
    "WHERE pm.project_id = :p",
    ("incubation", ("site_id",)): "SELECT id AS site_id FROM incubation_host_site WHERE organization_id = :b",
    (
        "incubation",
        ("period_id", "site_id"),
    ): "SELECT p.host_site_id AS site_id, p.id AS period_id FROM incubation_host_period p "
    "JOIN incubation_host_site s ON s.id = p.host_site_id WHERE s.organization_id = :b",
    ("incubation", ("track_id",)): "SELECT id AS track_id FROM incubation_track",
    ("incubation", ("stage_id", "track_id")): "SELECT track_id, id AS stage_id FROM incubation_stage",
    ("governance", ("action_id",)): "SELECT a.id AS action_id FROM governance_action a "
    "JOIN core_membership m ON m.user_id = a.owner_id WHERE m.organization_id = :b",
    ("governance", ("body_id",)): "SELECT id AS body_id FROM governance_body",
    ("governance", ("meeting_id",)): "SELECT id AS meeting_id FROM governance_meeting",
    ("governance", ("member_id",)): "SELECT id AS member_id FROM governance_body_member WHERE organization_id = :b",
    ("governance", ("motion_id",)): "SELECT id AS motion_id FROM governance_motion",
    ("governance", ("need_id",)): "SELECT id AS need_id FROM governance_need WHERE organization_id = :b",
    ("governance", ("poll_id",)): "SELECT id AS poll_id FROM governance_poll ORDER BY status, id",
    ("governance", ("proxy_id",)): "SELECT p.id AS proxy_id FROM governance_proxy p JOIN governance_body_member g "
    "ON g.id = p.grantor_id WHERE g.organization_id = :b AND p.revoked_at IS NULL",
    ("observatory", ("period_id",)): "SELECT id AS period_id FROM observatory_period",
    ("observatory", ("report_id",)): "SELECT id AS report_id FROM observatory_report WHERE organization_id = :b",
    ("observatory", ("indicator_id",)): "SELECT id AS indicator_id FROM observatory_indicator",
    ("observatory", ("rule_id",)): "SELECT id AS rule_id FROM observatory_rule",
    ("observatory", ("org_id", "period_id")): "SELECT :b AS org_id, id AS period_id FROM observatory_period",
}
# Columns a request may change without changing anyone's records.
VOLATILE = {"core_audit", "core_api_token", "core_user", "core_job", "core_mail"}
PNG = b"\x89PNG\r\n\x1a\n" + MARKER.encode() * 4


def module_of(app, endpoint: str) -> str:
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else ""
    return app.extensions["erp"].blueprint_owner.get(blueprint, "core")


def params(rule) -> tuple[str, ...]:
    """The values a URL takes (not the defaults a rule fixes, like handover_step's moment)."""
    return tuple(sorted(rule.arguments - set(rule.defaults or {})))


def id_rules(app):
    return [rule for rule in app.url_map.iter_rules() if params(rule)]


def _one(sql: str, **params):
    return db.session.scalar(db.text(sql), params)


@pytest.fixture
def victims(demo, app):
    """B's private records in every module (the demo's, and those it lacks), each with the marker."""
    b = db.session.scalar(db.select(Organization).where(Organization.name == VICTIM_ORG)).id
    p = _one(
        "SELECT p.id FROM incubation_project p JOIN core_organization o ON o.id = p.organization_id "
        "WHERE o.name = :name",
        name=VICTIM_PROJECT,
    )
    manager_b = demo["gestion-limoges"]
    create_token(manager_b, "B's token")
    booking = db.session.scalar(db.select(Booking).where(Booking.organization_id == b))
    photo = uploads.save(FileStorage(io.BytesIO(PNG), "state.png"), "pooling", uploads.IMAGES)
    db.session.add(
        ConditionReport(
            booking_id=booking.id,
            moment="check_out",
            state="good",
            comment=MARKER,
            photo=photo.stored_name,
            photo_type=photo.content_type,
            user_id=manager_b.id,
        )
    )
    db.session.add(
        Unavailability(
            equipment_id=booking.equipment_id,
            kind="maintenance",
            reason=MARKER,
            start_at=utcnow() + timedelta(days=60),
            end_at=utcnow() + timedelta(days=61),
        )
    )
    course = db.session.scalars(db.select(Course)).first()
    db.session.add(Interest(course_id=course.id, organization_id=b, people=2, comment=MARKER))
    site_b = _one("SELECT id FROM incubation_host_site WHERE organization_id = :b", b=b)
    holder_p = _one(
        "SELECT user_id FROM core_membership m JOIN incubation_project p "
        "ON p.organization_id = m.organization_id WHERE p.id = :p",
        p=p,
    )
    start = date.today() + timedelta(days=90)
    db.session.add(
        Placement(
            host_site_id=site_b,
            project_id=p,
            holder_id=holder_p,
            requested_by_id=holder_p,
            kind="visit",
            start_date=start,
            end_date=start,
            message=MARKER,
        )
    )
    db.session.add(JournalEntry(project_id=p, author_id=holder_p, written_on=date.today(), body=MARKER))
    milestone = _one("SELECT id FROM incubation_project_milestone WHERE project_id = :p", p=p)
    document = uploads.save(FileStorage(io.BytesIO(PNG), "business-plan.png"), "incubation", uploads.DOCUMENTS)
    db.session.add(
        Document(
            project_milestone_id=milestone,
            stored_name=document.stored_name,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            uploaded_by_id=holder_p,
        )
    )
    db.session.add(Action(title=MARKER, owner_id=manager_b.id, due_date=date.today() + timedelta(days=30)))
    seat_b = db.session.scalar(db.select(BodyMember).where(BodyMember.organization_id == b))
    holder_seat = db.session.scalar(
        db.select(BodyMember).where(
            BodyMember.body_id == seat_b.body_id,
            BodyMember.id != seat_b.id,
            BodyMember.organization_id != b,
            BodyMember.end_date.is_(None),
        )
    )
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.body_id == seat_b.body_id))
    if not db.session.scalar(db.select(Proxy.id).where(Proxy.grantor_id == seat_b.id, Proxy.meeting_id == meeting.id)):
        db.session.add(Proxy(meeting_id=meeting.id, grantor_id=seat_b.id, holder_id=holder_seat.id))
    for sql in (
        "UPDATE pooling_booking SET purpose = :m WHERE organization_id = :b",
        "UPDATE training_enrolment SET name = :m, email = 'limoges-private@example.org' WHERE organization_id = :b",
        "UPDATE observatory_report SET return_comment = :m WHERE organization_id = :b",
        "UPDATE incubation_project SET needs = :m, team = :m WHERE id = :p",
    ):
        db.session.execute(db.text(sql), {"m": MARKER, "b": b, "p": p})
    db.session.commit()
    return {"b": b, "p": p}


def _values(app, rule, victims) -> dict | None:
    key = (module_of(app, rule.endpoint), params(rule))
    row = db.session.execute(db.text(VALUES[key]), victims).first()
    return dict(row._mapping) if row else None


def _example(spec, schema):
    """A request body from the documented examples (see test_api_contract: every field has one)."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "example" in schema:
        return schema["example"]
    if schema.get("type") == "array":
        return [_example(spec, schema.get("items", {}))]
    if "properties" in schema:
        return {
            name: _example(spec, prop)
            for name, prop in schema["properties"].items()
            if not prop.get("readOnly") and (name in schema.get("required", ()) or "example" in prop)
        }
    return None


def _api_body(spec, rule, method):
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
    body = spec["paths"][path][method.lower()].get("requestBody")
    return _example(spec, body["content"]["application/json"]["schema"]) if body else None


def _snapshot() -> dict:
    tables = [t for t in db.metadata.sorted_tables if t.name not in VOLATILE]
    return {t.name: sorted(map(repr, db.session.execute(db.select(t)).all())) for t in tables}


def _sign_in(app, who):
    client = app.test_client()
    response = client.post("/login", data={"email": email(who), "password": DEMO_PASSWORD})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == email(who)))
    _token, plain = create_token(user, "isolation")
    db.session.commit()
    return client, {"Authorization": f"Bearer {plain}"}, user


def test_every_route_with_an_id_is_swept_or_listed(app, victims):
    unknown = [
        f"{rule.endpoint} {rule.rule}"
        for rule in id_rules(app)
        if rule.endpoint not in PUBLIC and (module_of(app, rule.endpoint), params(rule)) not in VALUES
    ]
    assert unknown == [], "add the parameters' values to VALUES, or the route to PUBLIC with a reason"
    stale = [name for name in {**PUBLIC, **SHARED} if name not in app.view_functions]
    assert stale == []


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_another_organizations_records_are_walled_off(app, client, victims, attacker):
    spec = client.get("/api/v1/openapi.json").json
    web, headers, user = _sign_in(app, attacker)
    before = _snapshot()
    leaks, missing = [], []
    for rule in id_rules(app):
        if rule.endpoint in PUBLIC:
            continue
        values = _values(app, rule, victims)
        if values is None:
            missing.append(rule.rule)
            continue
        url = rule.build({**values, **(rule.defaults or {})})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if url.startswith("/api/"):
                response = web.open(url, method=method, headers=headers, json=_api_body(spec, rule, method))
            else:
                response = web.open(url, method=method, data={})
            text = response.get_data().decode("utf-8", "replace")
            refused = response.status_code in (403, 404)
            if MARKER in text or (rule.endpoint not in SHARED and not refused) or response.status_code >= 500:
                leaks.append(
                    f"{method} {url} ({rule.endpoint}) -> {response.status_code}"
                    f"{' showing B private data' if MARKER in text else ''}"
                )
    db.session.rollback()
    after = _snapshot()
    changed = {name: sorted(set(after[name]) ^ set(before[name]))[:4] for name in before if after[name] != before[name]}
    actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.user_id == user.id)).all()
    assert missing == [], f"the test data lacks B records for {missing}"
    assert leaks == [], "\n".join(leaks)
    assert changed == {}, changed
    assert set(actions) <= {"auth.login", "api_token.create"}


def _api(app, who):
    _client, headers, _user = _sign_in(app, who)
    client = app.test_client()
    return lambda method, url, body=None: client.open(url, method=method, headers=headers, json=body)


def test_a_member_cannot_act_for_another_organization(app, client, victims):
    """Bodies that name an organization (or a seat) of B: refused, and nothing written."""
    b = victims["b"]
    value = lambda sql: _one(sql, b=b)  # noqa: E731
    equipment = value("SELECT id FROM pooling_equipment WHERE organization_id = :b")
    campaign = value("SELECT id FROM pooling_campaign WHERE status = 'open'")
    product = _one("SELECT id FROM pooling_product WHERE campaign_id = :c", c=campaign)
    session = value("SELECT id FROM training_session WHERE status <> 'cancelled' ORDER BY starts_at DESC")
    need = value("SELECT id FROM governance_need WHERE organization_id <> :b AND status = 'open'")
    period = value("SELECT id FROM observatory_period ORDER BY start_on")
    seat = value("SELECT id FROM governance_body_member WHERE organization_id = :b")
    other_seat = _one(
        "SELECT id FROM governance_body_member WHERE body_id = "
        "(SELECT body_id FROM governance_body_member WHERE id = :s) AND id <> :s",
        s=seat,
    )
    meeting = db.session.scalar(
        db.select(Meeting.id).where(  # proxies are given before the meeting
            Meeting.body_id == db.select(BodyMember.body_id).where(BodyMember.id == seat).scalar_subquery(),
            Meeting.starts_at > utcnow(),
        )
    )
    assert None not in (equipment, campaign, product, session, need, period, seat, other_seat, meeting)
    start = (date.today() + timedelta(days=40)).isoformat()
    attempts = [
        (
            "POST",
            "/api/v1/pooling/bookings",
            {
                "equipment_id": equipment,
                "organization_id": b,
                "quantity": 1,
                "start": f"{start}T09:00:00",
                "end": f"{start}T17:00:00",
            },
        ),
        (
            "POST",
            f"/api/v1/pooling/purchases/campaigns/{campaign}/pledges",
            {"product_id": product, "quantity": 5, "organization_id": b},
        ),
        ("GET", f"/api/v1/pooling/purchases/campaigns/{campaign}?organization_id={b}", None),
        (
            "GET",
            f"/api/v1/pooling/equipment/search?start={start}T09:00:00&end={start}T17:00:00&organization_id={b}",
            None,
        ),
        (
            "POST",
            f"/api/v1/training/sessions/{session}/enrolments",
            {"organization_id": b, "name": "Intrus", "email": "intrus@example.org"},
        ),
        ("POST", "/api/v1/governance/needs", {"organization_id": b, "title": "Intrus", "importance": 1, "urgency": 1}),
        ("POST", f"/api/v1/governance/needs/{need}/support", {"organization_id": b, "importance": 1, "urgency": 1}),
        ("POST", "/api/v1/governance/proxies", {"grantor_id": seat, "holder_id": other_seat, "meeting_id": meeting}),
        ("POST", "/api/v1/observatory/reports", {"organization_id": b, "period_id": period}),
    ]
    for attacker in ("gestion", "equipe"):
        call = _api(app, attacker)
        before = _snapshot()
        answers = [(method, url, call(method, url, body)) for method, url, body in attempts]
        wrong = [
            f"{method} {url} -> {r.status_code} {r.get_data(as_text=True)[:200]}"
            for method, url, r in answers
            if r.status_code not in (403, 404, 422) or MARKER in r.get_data(as_text=True)
        ]
        assert wrong == [], f"{attacker}: " + "\n".join(wrong)
        for _method, url, response in answers:
            if response.status_code == 422:  # refused as a bad value: the problem names the field
                assert response.json["errors"], (url, response.json)
        db.session.rollback()
        assert _snapshot() == before, attacker


def test_a_voter_cannot_vote_with_or_read_another_voters_secret_ballot(app, client, victims):
    poll = db.session.scalar(db.select(Poll).where(Poll.status == "open", Poll.secret, Poll.method == "single"))
    seats = {v.organization_id: v for v in db.session.scalars(db.select(PollVoter).where(PollVoter.poll_id == poll.id))}
    tours = _one(
        "SELECT organization_id FROM core_membership m JOIN core_user u ON u.id = m.user_id WHERE u.email = :e",
        e=email("gestion"),
    )
    victim_seat, own_seat = seats[victims["b"]], seats[tours]
    victim_label = victim_seat.label
    limoges, tours_manager = _api(app, "gestion-limoges"), _api(app, "gestion")
    cast = f"/api/v1/governance/polls/{poll.id}/ballots"
    voted = limoges("POST", cast, {"voter_id": victim_seat.id, "choice": 1})
    assert voted.status_code == 201
    receipt = voted.json["receipt"]
    ballots = db.session.scalar(db.select(db.func.count()).select_from(Ballot).where(Ballot.poll_id == poll.id))

    # another voter can neither vote with that seat, nor change its ballot with its receipt
    for body in (
        {"voter_id": victim_seat.id, "choice": 0},
        {"voter_id": victim_seat.id, "choice": 0, "receipt": receipt},
    ):
        refused = tours_manager("POST", cast, body)
        assert refused.status_code in (403, 404, 409, 422) and receipt not in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot).where(Ballot.poll_id == poll.id)) == ballots
    seats_seen = tours_manager("GET", f"/api/v1/governance/polls/{poll.id}/seats").json
    seen_ids = [s["voter_id"] for s in seats_seen]
    assert victim_seat.id not in seen_ids and own_seat.id in seen_ids

    # once closed, the published ballots show the receipt and the choice, never the seat behind it
    poll.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    published = tours_manager("GET", f"/api/v1/governance/polls/{poll.id}/ballots?per_page=100").json["items"]
    assert [b["voter"] for b in published] == [None] * len(published)
    assert receipt in [b["receipt"] for b in published]
    web, _headers, _user = _sign_in(app, "gestion")
    for page in (
        f"/governance/polls/{poll.id}",
        f"/governance/polls/{poll.id}/results",
        f"/governance/polls/{poll.id}/ballots.csv",
        f"/governance/polls/{poll.id}/canonical.json",
    ):
        text = web.get(page).get_data(as_text=True)
        lines = [line for line in text.splitlines() if receipt in line]
        assert all(victim_label not in line for line in lines), page
