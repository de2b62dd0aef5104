"""Limits that keep one hostile or absurd file from exhausting time or memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * 1024 * 1024  # on disk
    # All parts of a zip workbook together: bounds the inflating a bomb can make gps do (the per-part
    # ratio alone would let a 100 MB file inflate to 20 GB). A sheet of Excel's full 1,048,576 rows
    # in the 11-column submission layout is about 450 MB of XML, so a province-size legitimate file
    # passes with room to spare.
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    max_compression_ratio: int = 200  # per part, for parts over 1 MB uncompressed
    max_zip_members: int = 10_000
    max_rows: int = 1_000_000
    # Rows x columns of the grid a sheet's cells span: the reader holds it densely (about 45 bytes
    # a cell in calamine, plus the Python lists), so 10 million cells is about 600 MB.
    max_cells: int = 10_000_000
    # A grid of more than sparse_min_cells of which under sparse_fill holds values is a stray far
    # cell (or a hostile file): refused, naming the far cell, rather than read at great cost.
    sparse_min_cells: int = 1_000_000
    sparse_fill: float = 0.01
    memory_bytes: int = 2 * 1024 * 1024 * 1024  # address-space limit of a reading process
    seconds: int = 120  # CPU seconds for reading one file
    wall_seconds: int | None = None  # wall-clock for reading one file; None: 2 x seconds + 10

    @property
    def wall(self) -> int:
        return self.wall_seconds if self.wall_seconds is not None else self.seconds * 2 + 10
