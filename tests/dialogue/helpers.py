"""Test data for the dialogue: submitted reports, the people around them, and upload files."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import Division, User
from tests import factories
from tests.reports.helpers import submitted_report as make_submitted_report  # noqa: F401 - used by this package's tests

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
# A Windows PE executable's header ("MZ" ... "PE\0\0").
PE_BYTES = (
    b"MZ\x90\x00"
    + b"\x00" * 56
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
    + b"\x00" * 400
)


def elf_bytes() -> bytes:
    """A real Linux executable's first 16 KB."""
    with open("/bin/ls", "rb") as fh:
        return fh.read(16384)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@dataclass
class People:
    exporter: User  # organisation A
    exporter2: User  # organisation A as well
    other_exporter: User  # organisation B
    officer: User  # elec, responsible for mlcc
    officer2: User  # elec
    supervisor: User  # elec
    other_officer: User  # mat
    other_supervisor: User  # mat


def make_people(catalog: dict[str, Division]) -> People:
    exporter = factories.ExporterFactory()
    return People(
        exporter=exporter,
        exporter2=factories.ExporterFactory(organisation=exporter.organisation),
        other_exporter=factories.ExporterFactory(),
        officer=factories.OfficerFactory(division=catalog["elec"]),
        officer2=factories.OfficerFactory(division=catalog["elec"]),
        supervisor=factories.SupervisorFactory(division=catalog["elec"]),
        other_officer=factories.OfficerFactory(division=catalog["mat"]),
        other_supervisor=factories.SupervisorFactory(division=catalog["mat"]),
    )
