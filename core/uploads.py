"""Uploaded files: type checked by content, size limited, stored under generated names outside
the static folder, and served as attachments with nosniff.

A stored file belongs to the transaction of the request that stored it: if that transaction is
rolled back (a refused request, a later file refused, a failed commit), the file is deleted too,
so a refusal never leaves a file on disk without its record. (A savepoint rolled back inside a
committed transaction keeps its files: no service stores files inside one.)
"""

from __future__ import annotations

import io
import logging
import secrets
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, request, send_file
from flask_babel import gettext as _
from sqlalchemy import event

from core.errors import DomainError
from core.extensions import db

log = logging.getLogger("erp.uploads")

# kind -> (magic prefix, content type)
SIGNATURES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    "webp": (b"RIFF", "image/webp"),
}
OOXML_MAIN = "application/vnd.openxmlformats-officedocument.{}.main+xml"
# Office Open XML kind -> (main part, its content type in [Content_Types].xml, the file's content type)
OOXML = {
    "docx": (
        "word/document.xml",
        OOXML_MAIN.format("wordprocessingml.document"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "xl/workbook.xml",
        OOXML_MAIN.format("spreadsheetml.sheet"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": (
        "ppt/presentation.xml",
        OOXML_MAIN.format("presentationml.presentation"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
# OpenDocument kind -> the content of its `mimetype` entry, which is also the file's content type
ODF = {"odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet"}
IMAGES = {"png", "jpeg", "webp"}
DOCUMENTS = {"pdf", "png", "jpeg", "docx", "xlsx", "pptx", "odt", "ods"}

# Limits on zip containers, checked on the central directory before any entry is inflated: a
# 1 MB zip can declare a gigabyte of zeros. Office files are far below every one of them.
ZIP_MAX_DIRECTORY = 1024 * 1024  # bytes of central directory that zipfile may parse
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_TOTAL = 100 * 1024 * 1024  # inflated bytes, all entries together
ZIP_MAX_RATIO = 100  # inflated / compressed, per entry and in total...
ZIP_RATIO_FLOOR = 1024 * 1024  # ...once past this size (tiny XML parts compress well and harm no one)
ZIP_READ_BYTES = 256 * 1024  # at most this much is read (inflated) from one entry
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}  # bzip2/lzma inflate without a bound in zipfile
EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
ZIP64_LOCATOR = b"PK\x06\x07"

NAME_LENGTH = 200
PENDING = "erp_uploads_pending"  # key in the session's info: files stored in its open transaction


class TooManyFiles(DomainError):
    status = 413


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int


def sniff(data: bytes) -> str | None:
    """The kind of a file from its first bytes (and, for zip containers, their structure)."""
    for kind, (magic, _type) in SIGNATURES.items():
        if data.startswith(magic) and (kind != "webp" or data[8:12] == b"WEBP"):
            return kind
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> str | None:
    if not _small_directory(data):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if not _plain_entries(entries):
                return None
            names = {entry.filename for entry in entries}
            return _odf_kind(archive, names) or _ooxml_kind(archive, names)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError, zlib.error):
        return None


def _small_directory(data: bytes) -> bool:
    """Read the end record as zipfile will, and refuse a central directory too large to parse."""
    start = len(data) - EOCD.size
    if data[start : start + 4] != b"PK\x05\x06":  # a comment follows the record: search it, as zipfile does
        start = data.rfind(b"PK\x05\x06", max(0, len(data) - EOCD.size - 65535))
    if start < 0 or len(data) < start + EOCD.size:
        return False
    if data[max(0, start - 20) : start - 16] == ZIP64_LOCATOR:  # zipfile would trust its (unbounded) sizes
        return False
    _sig, _disk, _cd_disk, _here, entries, directory_size, _offset, _comment = EOCD.unpack_from(data, start)
    return entries <= ZIP_MAX_ENTRIES and directory_size <= ZIP_MAX_DIRECTORY


def _plain_entries(entries: list[zipfile.ZipInfo]) -> bool:
    """Few entries, no encryption, only stored or deflated, and no absurd sizes or ratios."""
    if len(entries) > ZIP_MAX_ENTRIES:
        return False
    if any(entry.flag_bits & 0x1 or entry.compress_type not in ZIP_METHODS for entry in entries):
        return False
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    dense = any(_too_dense(entry.file_size, entry.compress_size) for entry in entries)
    return total <= ZIP_MAX_TOTAL and not dense and not _too_dense(total, packed)


def _too_dense(size: int, packed: int) -> bool:
    return size > ZIP_RATIO_FLOOR and size > ZIP_MAX_RATIO * packed


def _head(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The first ``limit`` inflated bytes of an entry; never the whole entry, whatever it declares."""
    with archive.open(name) as entry:
        return entry.read(limit)


def _odf_kind(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if "mimetype" not in names or "META-INF/manifest.xml" not in names:
        return None
    mimetype = _head(archive, "mimetype", 100)
    return next((kind for kind, marker in ODF.items() if mimetype == marker.encode()), None)


def _ooxml_kind(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """A package whose [Content_Types].xml declares the main part of its kind, and has that part."""
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        return None
    declared = _head(archive, "[Content_Types].xml", ZIP_READ_BYTES)
    for kind, (part, part_type, _type) in OOXML.items():
        if part in names and part_type.encode() in declared:
            return kind
    return None


def content_type(kind: str) -> str:
    if kind in SIGNATURES:
        return SIGNATURES[kind][1]
    return OOXML[kind][2] if kind in OOXML else ODF[kind]


def clean_name(name: str | None) -> str:
    """A file name safe to show and offer back: no folders, no control or format characters (a
    RIGHT-TO-LEFT OVERRIDE, U+202E, shows "facture<U+202E>fdp.exe" as "factureexe.pdf"), one space
    between words, at most NAME_LENGTH characters with the extension kept."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    visible = "".join(" " if unicodedata.category(c) in ("Zl", "Zp") else c for c in base if not _hidden(c))
    text = " ".join(visible.split()).strip(" .")
    if len(text) > NAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        keep = f"{dot}{extension}" if dot and 0 < len(extension) <= 10 else ""
        text = text[: NAME_LENGTH - len(keep)].rstrip(" .") + keep
    return text or "file"


def _hidden(character: str) -> bool:
    return unicodedata.category(character).startswith("C")  # Cc control, Cf format (bidi), Cs, Co, Cn


def save(storage, area: str, allowed: set[str], max_bytes: int | None = None, field: str = "file") -> StoredFile:
    """Check and store an uploaded werkzeug FileStorage under UPLOAD_FOLDER/<area>/; the file is
    deleted again if the current transaction does not commit."""
    max_bytes = max_bytes or current_app.config["MAX_CONTENT_LENGTH"]
    data = storage.read(max_bytes + 1) if storage else b""
    if not data:
        raise DomainError(_("Choose a file to send."), field)
    if len(data) > max_bytes:
        raise DomainError(_("The file is too large (at most %(mb)s MB).", mb=round(max_bytes / 1048576, 1)), field)
    kind = sniff(data)
    if kind not in allowed:
        raise DomainError(
            _("This type of file is not accepted (accepted: %(kinds)s).", kinds=", ".join(sorted(allowed))), field
        )
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / area
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{kind}"
    _remember(folder / stored)
    (folder / stored).write_bytes(data)
    return StoredFile(f"{area}/{stored}", clean_name(storage.filename), content_type(kind), len(data))


def _remember(path: Path) -> None:
    session = db.session()
    if not session.in_transaction():  # so that the end of the request's transaction is seen
        session.begin()
    session.info.setdefault(PENDING, []).append(path)


@event.listens_for(db.session, "after_commit")
def _keep_committed(session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(PENDING, None)


@event.listens_for(db.session, "after_transaction_end")
def _delete_uncommitted(session, transaction) -> None:
    """The request's transaction ended without a commit (rollback, or closed): its files go."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(PENDING, []):
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete the uncommitted upload %s: %s", path.name, exc)


def check_file_count() -> None:
    """before_request: a request with more than MAX_UPLOAD_FILES files is refused whole, before
    any view stores one of them."""
    if request.mimetype != "multipart/form-data":
        return
    limit = current_app.config["MAX_UPLOAD_FILES"]
    count = sum(1 for _name, storage in request.files.items(multi=True) if storage.filename)
    if count > limit:
        raise TooManyFiles(_("Too many files in one request (at most %(count)s).", count=limit))


def send(stored_name: str, download_name: str, mimetype: str):
    """Serve a stored file as an attachment; a name that leaves the upload folder is a 404."""
    base = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    path = (base / stored_name).resolve()
    if base not in path.parents or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=clean_name(download_name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
