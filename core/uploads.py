"""Uploaded files: type checked by content, size limited, stored under generated names outside
the static folder, and served as attachments with nosniff."""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import gettext as _

from core.errors import DomainError

# kind -> (magic prefix, content type); office files are zip containers checked further below
SIGNATURES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    "webp": (b"RIFF", "image/webp"),
}
OFFICE = {
    "docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
}
IMAGES = {"png", "jpeg", "webp"}
DOCUMENTS = {"pdf", "png", "jpeg", "docx", "xlsx", "pptx", "odt", "ods"}


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int


def sniff(data: bytes) -> str | None:
    """The kind of a file from its first bytes (and, for zip containers, its entries)."""
    for kind, (magic, _type) in SIGNATURES.items():
        if data.startswith(magic) and (kind != "webp" or data[8:12] == b"WEBP"):
            return kind
    if data.startswith(b"PK\x03\x04"):
        import io

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                mimetype = archive.read("mimetype").decode() if "mimetype" in names else ""
        except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
            return None
        for kind, (marker, _type) in OFFICE.items():
            if mimetype == marker or any(n.startswith(marker) for n in names if marker.endswith("/")):
                return kind
    return None


def content_type(kind: str) -> str:
    return SIGNATURES[kind][1] if kind in SIGNATURES else OFFICE[kind][1]


def save(storage, area: str, allowed: set[str], max_bytes: int | None = None, field: str = "file") -> StoredFile:
    """Check and store an uploaded werkzeug FileStorage under UPLOAD_FOLDER/<area>/."""
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
    (folder / stored).write_bytes(data)
    original = Path(storage.filename or "file").name[:200]
    return StoredFile(f"{area}/{stored}", original, content_type(kind), len(data))


def send(stored_name: str, download_name: str, mimetype: str):
    """Serve a stored file as an attachment; a name that leaves the upload folder is a 404."""
    base = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    path = (base / stored_name).resolve()
    if base not in path.parents or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
