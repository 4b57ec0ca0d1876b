"""The S3 bucket the CSV imports and recorded announcements read from, as a local folder.

cpaas.txt, "Import Contacts via CSV File": "Provide CSV file name which you uploaded to S3
bucket". telemock reads the file from a folder instead: ``settings.cpaas.bucket`` (any path;
"" means the examples shipped in ``emulators/cpaas/bucket/``: the document's two CSV files and
its recorded announcement). Only plain file names are read (the parameters' patterns allow no
folders), at most ``MAX_FILE_BYTES``.

CSV layout (the document gives none): a header row naming the columns. Contacts need
``contact_number``; ``contact_name`` is optional; every other column is a contact field
(``field1``, ... for ``{field1}`` in announcements). DND contacts need ``dnd_contact_number``
(``dnd_contact_name`` optional). Rows whose number breaks the number rule are skipped and not
counted; blank rows are ignored.
"""

from __future__ import annotations

import csv
import io
import re
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.world import Tenant

SHIPPED = Path(__file__).resolve().parent / "bucket"
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_ROWS = 200_000
VENDOR = "cpaas"


class BucketError(ValueError):
    """The file is unreadable (the message completes "invalid <field>, ...")."""

    missing = False


class FileMissing(BucketError):
    missing = True

    def __init__(self) -> None:
        super().__init__("file not found")


@dataclass(frozen=True)
class CsvContacts:
    rows: list[tuple[str, str, dict[str, str]]]
    """(number, name, fields) of every good row, in file order."""
    skipped: int


def folder(t: Tenant) -> Path:
    own = t.settings.get(VENDOR)
    configured = own.get("bucket", "") if isinstance(own, dict) else ""
    return Path(str(configured)).expanduser() if configured else SHIPPED


def read(t: Tenant, name: str) -> bytes:
    path = folder(t) / name
    try:
        if not path.is_file():
            raise FileMissing()
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BucketError(f"file is larger than {MAX_FILE_BYTES} bytes")
        return path.read_bytes()
    except OSError:
        raise FileMissing() from None


def contacts(t: Tenant, name: str, number_column: str, name_column: str, number_rule: str) -> CsvContacts:
    """The contacts of CSV file ``name``: good rows, and how many were skipped."""
    try:
        text = read(t, name).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BucketError("file is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader)]
    except (StopIteration, csv.Error):
        raise BucketError("file is empty") from None
    if number_column not in header:
        raise BucketError(f"{number_column} column is missing")
    number_at = header.index(number_column)
    name_at = header.index(name_column) if name_column in header else None
    field_columns = [(i, c) for i, c in enumerate(header)
                     if i not in (number_at, name_at) and re.fullmatch(r"[A-Za-z0-9_]{1,32}", c)]
    good: list[tuple[str, str, dict[str, str]]] = []
    skipped = 0
    rule = re.compile(number_rule)
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(good) + skipped >= MAX_ROWS:
                raise BucketError(f"file has more than {MAX_ROWS} rows")
            number = cells[number_at].strip() if number_at < len(cells) else ""
            if not rule.fullmatch(number):
                skipped += 1
                continue
            label = cells[name_at].strip() if name_at is not None and name_at < len(cells) else ""
            fields = {column: cells[i].strip() for i, column in field_columns if i < len(cells)}
            good.append((number, label[:100], {k: v[:500] for k, v in fields.items()}))
    except csv.Error:
        raise BucketError("file is not a CSV file") from None
    return CsvContacts(good, skipped)


def wav_seconds(t: Tenant, name: str) -> float:
    """How long the recorded announcement ``name`` plays."""
    data = read(t, name)
    try:
        with wave.open(io.BytesIO(data)) as audio:
            rate = audio.getframerate()
            return round(audio.getnframes() / rate, 3) if rate > 0 else 0.0
    except Exception as exc:  # whatever a damaged file makes the wave reader raise
        raise BucketError("file is not a wav file") from exc


def describe(t: Tenant) -> dict[str, Any]:
    """What the bucket holds (for the control plane)."""
    where = folder(t)
    try:
        names = sorted(p.name for p in where.iterdir() if p.is_file())
    except OSError:
        names = []
    return {"folder": str(where), "files": names}
