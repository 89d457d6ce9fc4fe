"""A refused milestone submission leaves nothing behind: no record and no file in UPLOAD_FOLDER,
even when a valid document was stored before another one was refused; too many files in one
post are refused whole (core.uploads)."""

from __future__ import annotations

import io
from pathlib import Path

from core.extensions import db
from modules.incubation.models import Document, ProjectMilestone
from modules.incubation.services import tracks
from tests.incubation.conftest import pdf_file


def stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()]


def post_files(client, world, files):
    pm = tracks.project_milestones(world.project)[0]
    response = client.post(
        f"/incubation/projects/{world.project.id}/milestones/{pm.id}/submit",
        data={f"m{pm.id}-files": files, f"m{pm.id}-note": "here it is"},
        content_type="multipart/form-data",
    )
    return pm.id, response


def assert_nothing_written(app, pm_id: int) -> None:
    assert stored_files(app) == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0
    assert db.session.get(ProjectMilestone, pm_id).status == "pending"


def test_a_valid_pdf_with_an_exe_is_refused_and_leaves_no_file(world, client, login_as, app):
    login_as(world.holder)
    exe = (io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64), "setup.exe")
    pm_id, response = post_files(client, world, [pdf_file(), exe])
    assert response.status_code == 422
    assert f'id="m{pm_id}-files-error"' in response.get_data(as_text=True)
    assert_nothing_written(app, pm_id)


def test_three_hundred_files_in_one_post_are_refused(world, client, login_as, app):
    login_as(world.holder)
    pm_id, response = post_files(client, world, [pdf_file(f"part-{n}.pdf") for n in range(300)])
    assert response.status_code == 413
    assert str(app.config.get("MAX_UPLOAD_FILES", 20)) in response.get_data(as_text=True)  # the cap is named
    assert_nothing_written(app, pm_id)
