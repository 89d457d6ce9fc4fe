"""Uploads: zip bombs refused cheaply, office files recognised by their structure, nothing left on
disk by a refused request, a cap on files per request, and file names without hidden characters."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from flask import Blueprint, request
from werkzeug.datastructures import FileStorage

from core import uploads
from core.errors import DomainError
from core.extensions import db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MIB = 1024 * 1024
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{type}"/></Types>'
)


def _ooxml(kind: str, part_body: bytes = b"<x/>") -> bytes:
    part, part_type, _type = uploads.OOXML[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(part=part, type=part_type))
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, part_body)
    return buffer.getvalue()


def _odf(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", uploads.ODF[kind], compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return buffer.getvalue()


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _write_zeros(archive: zipfile.ZipFile, name: str, mebibytes: int) -> None:
    """A deflated entry of zeros written 1 MiB at a time: the test never holds the inflated bytes."""
    chunk = bytes(MIB)
    with archive.open(name, "w") as entry:
        for _ in range(mebibytes):
            entry.write(chunk)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """About 1 MB on disk, 1,000 MiB once inflated, in the `mimetype` entry of an otherwise
    well-formed .docx (the old check read that entry whole, then accepted the `word/` folder)."""
    path = tmp_path_factory.mktemp("bomb") / "devis.docx"
    part, part_type, _type = uploads.OOXML["docx"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_zeros(archive, "mimetype", 1000)
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(part=part, type=part_type))
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<w:document/>")
    return path


def _storage(data: bytes, name: str = "file.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(data), name)


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_zip_bomb_is_refused_fast_and_small(app, bomb):
    assert bomb.stat().st_size < 1.1 * MIB
    with bomb.open("rb") as stream:
        tracemalloc.start()
        started = time.perf_counter()
        try:
            with pytest.raises(DomainError) as refused:
                uploads.save(FileStorage(stream, "devis.docx"), "bombs", uploads.DOCUMENTS)
            elapsed = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert refused.value.status == 422
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert peak < 50 * MIB, f"{peak / MIB:.1f} MiB"
    assert _files(Path(app.config["UPLOAD_FOLDER"])) == []


def test_office_files_are_recognised_by_their_structure():
    for kind in uploads.OOXML:
        assert uploads.sniff(_ooxml(kind)) == kind
    for kind in uploads.ODF:
        assert uploads.sniff(_odf(kind)) == kind


@pytest.mark.parametrize(
    "data",
    [
        _zip({"word/document.xml": b"<w:document/>"}),  # a `word/` folder alone is no .docx
        _zip({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<r/>", "word/document.xml": b"<w/>"}),
        _zip({"mimetype": uploads.ODF["odt"].encode()}),  # no manifest
        _zip({"mimetype": uploads.ODF["odt"].encode(), "META-INF/manifest.xml": b"<m/>"}, zipfile.ZIP_BZIP2),
        _zip({f"word/media/{n}.xml": b"<x/>" for n in range(uploads.ZIP_MAX_ENTRIES + 1)}),
        _ooxml("docx", part_body=bytes(2 * MIB)),  # 2 MiB of zeros deflate ~1000 times
        _ooxml("docx")[:-30],  # truncated
    ],
    ids=["word-folder-only", "no-main-content-type", "odf-without-manifest", "bzip2", "too-many", "ratio", "cut"],
)
def test_zip_containers_without_the_expected_structure_or_with_absurd_sizes_are_refused(data):
    assert uploads.sniff(data) is None


def test_a_zip64_end_record_or_a_huge_central_directory_is_refused_before_zipfile_parses_it(monkeypatch):
    part, part_type, _type = uploads.OOXML["docx"]
    entries = {
        "[Content_Types].xml": CONTENT_TYPES.format(part=part, type=part_type).encode(),
        "_rels/.rels": b"<Relationships/>",
        part: b"<x/>",
    }
    assert uploads.sniff(_zip(entries)) == "docx"
    monkeypatch.setattr(uploads, "ZIP_MAX_DIRECTORY", 100)
    assert uploads.sniff(_zip(entries)) is None
    monkeypatch.undo()
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)  # zipfile then writes a zip64 end record
    zip64 = _zip(entries)
    assert uploads.ZIP64_LOCATOR in zip64
    assert uploads.sniff(zip64) is None


def test_files_stored_by_a_rolled_back_transaction_are_deleted(app):
    folder = Path(app.config["UPLOAD_FOLDER"])
    with app.test_request_context("/", method="POST"):
        lost = uploads.save(_storage(PDF), "probe", uploads.DOCUMENTS)
        assert (folder / lost.stored_name).is_file()
        db.session.rollback()
        assert not (folder / lost.stored_name).exists()
        kept = uploads.save(_storage(PDF), "probe", uploads.DOCUMENTS)
        db.session.commit()
        db.session.rollback()  # a later rollback does not touch what is committed
        assert (folder / kept.stored_name).is_file()
        closed = uploads.save(_storage(PDF), "probe", uploads.DOCUMENTS)
        db.session.remove()  # the request ends without a commit (an unhandled error)
        assert not (folder / closed.stored_name).exists()
    assert _files(folder) == [folder / kept.stored_name]


@pytest.fixture
def probe(make_app, erp_modules):
    """An app with a route storing every posted file, as a module's upload view does (under /api/ too)."""
    app = make_app(erp_modules)
    bp = Blueprint("upload_probe", __name__)

    @bp.post("/probe/upload")
    @bp.post("/api/v1/probe/upload")
    def upload():
        for storage in request.files.getlist("files"):
            uploads.save(storage, "probe", uploads.DOCUMENTS, field="files")
        return "stored", 201

    app.register_blueprint(bp)
    return app


def _post(app, files: list[tuple[bytes, str]], url: str = "/probe/upload"):
    data = {"files": [(io.BytesIO(content), name) for content, name in files]}
    return app.test_client().post(url, data=data, content_type="multipart/form-data")


def test_a_refused_request_leaves_no_file_and_an_accepted_one_keeps_its_files(probe, bomb):
    folder = Path(probe.config["UPLOAD_FOLDER"])
    refused = _post(probe, [(PDF, "devis.pdf"), (b"MZ\x90\x00 program", "virus.exe")])
    assert refused.status_code == 422
    assert _files(folder) == []
    bombed = _post(probe, [(PDF, "devis.pdf"), (bomb.read_bytes(), "devis.docx")])
    assert bombed.status_code == 422
    assert _files(folder) == []
    accepted = _post(probe, [(PDF, "devis.pdf"), (PDF, "facture.pdf")])
    assert accepted.status_code == 201
    assert len(_files(folder)) == 2


def test_too_many_files_in_one_request_are_refused_before_any_is_stored(probe):
    folder = Path(probe.config["UPLOAD_FOLDER"])
    many = [(PDF, f"{n}.pdf") for n in range(probe.config["MAX_UPLOAD_FILES"] + 1)]
    page = _post(probe, many)
    assert page.status_code == 413
    assert str(probe.config["MAX_UPLOAD_FILES"]) in page.get_data(as_text=True)
    api = _post(probe, many, "/api/v1/probe/upload")
    assert api.status_code == 413 and api.mimetype == "application/problem+json"
    assert str(probe.config["MAX_UPLOAD_FILES"]) in api.json["detail"]
    assert _files(folder) == []
    probe.config["MAX_UPLOAD_FILES"] = 2
    assert _post(probe, many[:3]).status_code == 413
    assert _post(probe, many[:2]).status_code == 201


def test_file_names_lose_hidden_characters_when_stored_and_when_served(app):
    assert uploads.clean_name("facture\u202efdp.exe") == "facturefdp.exe"
    assert uploads.clean_name("a\u200bb\x00c\u2066d\r\ne\u2028f.pdf") == "abcde f.pdf"
    assert uploads.clean_name("C:\\Users\\moi\\..\\plan.pdf") == "plan.pdf"
    assert uploads.clean_name("\u202e\u200f. ") == "file"
    long = uploads.clean_name("é" * 300 + ".pdf")
    assert len(long) == uploads.NAME_LENGTH and long.endswith("é.pdf")
    with app.test_request_context("/"):
        stored = uploads.save(_storage(PDF, "facture\u202efdp.exe"), "probe", uploads.DOCUMENTS)
        assert stored.original_name == "facturefdp.exe"
        # a name stored before this fix is cleaned when offered back
        response = uploads.send(stored.stored_name, "facture\u202efdp.exe", stored.content_type)
        disposition = response.headers["Content-Disposition"]
        response.close()
    assert "%E2%80%AE" not in disposition.upper() and "\u202e" not in disposition
    assert "facturefdp.exe" in disposition
