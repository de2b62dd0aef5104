"""Limits that keep one hostile or absurd file from exhausting time or memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * 1024 * 1024  # on disk
    max_uncompressed_bytes: int = 200 * 1024 * 1024  # all parts of a zip workbook together
    max_compression_ratio: int = 200  # per part, for parts over 1 MB uncompressed
    max_zip_members: int = 10_000
    max_rows: int = 1_000_000
    max_cells: int = 30_000_000  # rows x columns of a sheet's used range
    memory_bytes: int = 2 * 1024 * 1024 * 1024  # address-space limit of a reading process
    seconds: int = 120  # CPU seconds for reading one file
