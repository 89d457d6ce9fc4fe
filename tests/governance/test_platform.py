"""Governance on core's platform (issue 18): the calendar hook, hooks without SQL, core's helpers only."""

import ast
from datetime import timedelta
from pathlib import Path

from core.db import utcnow
from core.extensions import db
from core.plugins import collect
from modules.governance.services import meetings

MODULE = Path(__file__).resolve().parents[2] / "modules" / "governance"


def test_calendar_gives_at_most_the_wanted_events_with_their_pages(assembly, admin, make_poll):
    starts = [utcnow() + timedelta(days=days) for days in (3, 1, 2)]
    made = [
        meetings.create_meeting(admin, assembly, f"M{i}", s, s + timedelta(hours=2), "in_person", "Tours")
        for i, s in enumerate(starts)
    ]
    poll = make_poll(assembly, "yes_no", opened=False)
    db.session.commit()
    window = dict(user=assembly.managers[0], start=utcnow(), end=utcnow() + timedelta(days=30))
    events = collect("erp_calendar_events", limit=1, **window)
    assert [e.uid for e in events] == [f"governance-meeting-{made[1].id}", f"governance-poll-{poll.id}"]
    assert [e.url for e in events] == [f"/governance/meetings/{made[1].id}", f"/governance/polls/{poll.id}"]
    assert len(collect("erp_calendar_events", limit=None, **window)) == 4


def test_hooks_only_wire_and_the_module_keeps_no_copy_of_core():
    hooks = ast.parse((MODULE / "hooks.py").read_text())
    imported = {node.module for node in ast.walk(hooks) if isinstance(node, ast.ImportFrom)}
    assert "core.extensions" not in imported  # no SQL in hooks.py: services run the queries
    assert not (MODULE / "widgets.py").exists() and not (MODULE / "paging.py").exists()
    handlers = "\n".join(path.read_text() for part in ("views", "api") for path in (MODULE / part).glob("*.py"))
    assert "db.session.commit()" not in handlers and "except DomainError" not in handlers  # core's lifecycle does it
    sources = "\n".join(path.read_text() for path in MODULE.rglob("*.py"))
    assert "def locked(" not in sources and "def get_or_404(" not in sources and "def user_choices(" not in sources
