"""Documents a participant uploads with a request (issue #15), kept outside the database.

* ``JKN_UPLOAD_DIR``: where the files are kept (default ``jkn-uploads`` in the working directory,
  beside the default SQLite file). A file is stored once under its SHA-256 (``ab/abcdef….pdf``);
  the table ``change_request_file`` keeps the path, type, size and hash.
* ``JKN_UPLOAD_MAX_KB`` (2048): the largest file accepted (assumption A-P09).

Accepted types are PDF, JPEG and PNG, told by the file's own bytes (never by its name or the
browser's word): a PDF starts with ``%PDF-``; a picture must open as one (Pillow)."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from jkn.i18n import Msg
from jkn.services.errors import Invalid, NotFound
from jkn.services.portal.settings import positive_number

TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
DEFAULT_MAX_KB = 2048


@dataclass(frozen=True)
class Upload:
    """A file as it came from the form: the document of the list it stands for, its name, its bytes."""

    document_code: str
    file_name: str
    content: bytes


@dataclass(frozen=True)
class Stored:
    path: str
    sha256: str
    size: int
    content_type: str


def upload_dir() -> Path:
    configured = os.environ.get("JKN_UPLOAD_DIR", "").strip()
    return Path(configured) if configured else Path.cwd() / "jkn-uploads"


def max_bytes() -> int:
    return int(positive_number("JKN_UPLOAD_MAX_KB", DEFAULT_MAX_KB)) * 1024


def content_type(content: bytes) -> str | None:
    """PDF, JPEG or PNG by the file's bytes; None for anything else (or a picture that does not open)."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if not content.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return {"JPEG": "image/jpeg", "PNG": "image/png"}.get(kind)


def check(upload: Upload) -> str:
    """The file's type; refused (422, nothing kept) when empty, too large or not PDF/JPEG/PNG."""
    field = f"file_{upload.document_code}"
    if not upload.content:
        raise Invalid(Msg("error.upload.empty", name=upload.file_name), field=field)
    limit = max_bytes()
    if len(upload.content) > limit:
        raise Invalid(Msg("error.upload.too_large", name=upload.file_name, limit_kb=limit // 1024), field=field)
    kind = content_type(upload.content)
    if kind is None:
        raise Invalid(Msg("error.upload.type", name=upload.file_name), field=field)
    return kind


def store(content: bytes, kind: str) -> Stored:
    """Write the file once under its hash (an identical file is not written again)."""
    digest = hashlib.sha256(content).hexdigest()
    relative = f"{digest[:2]}/{digest}{TYPES[kind]}"
    target = upload_dir() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(content)
        partial.replace(target)
    return Stored(relative, digest, len(content), kind)


def read(stored_path: str, sha256: str) -> bytes:
    """A stored file's bytes, checked against its hash (a file changed or lost on disk is not served)."""
    path = upload_dir() / stored_path
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(Msg("error.upload.missing")) from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise NotFound(Msg("error.upload.missing"))
    return content
