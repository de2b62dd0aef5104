"""OLE2 compound files ([MS-CFB]): the container of .xls, WPS .et, password-protected OOXML and
old Word/PowerPoint files, read just far enough to tell what is inside and to scan a BIFF stream."""

from __future__ import annotations

import struct

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_ENDOFCHAIN, _FREESECT = 0xFFFFFFFE, 0xFFFFFFFF


class OleError(Exception):
    """The compound file structure is broken; ``str(e)`` is a short Chinese reason."""


class OleFile:
    """A minimal, defensive reader of OLE2 compound files ([MS-CFB]): directory and streams.

    Every sector number and chain is checked, so a damaged or hostile file ends as
    :class:`OleError`, never a loop or a huge allocation.
    """

    _last: OleFile | None = None  # the file parsed last, so that sniffing and scanning parse it once

    @classmethod
    def of(cls, data: bytes) -> OleFile:
        """The compound file in ``data``, parsed once for the several readers of the same bytes."""
        last = cls._last
        if last is not None and last.data is data:
            return last
        cls._last = None
        ole = cls._last = cls(data)
        return ole

    @classmethod
    def forget(cls) -> None:
        """Let go of the file parsed last (its bytes): its last reader is done with it."""
        cls._last = None

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._streams: dict[str, bytes] = {}  # whole streams read so far
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise OleError("文件头不完整")
        (_major, byte_order, shift, mini_shift) = struct.unpack_from("<HHHH", data, 26)
        if byte_order != 0xFFFE or shift not in (9, 12) or mini_shift != 6:
            raise OleError("文件头参数异常")
        self.sector = 1 << shift
        self.n_sectors = -(-(len(data) - 512) // self.sector)
        n_fat, dir_start = struct.unpack_from("<II", data, 44)
        self.mini_cutoff, mini_fat_start, n_mini_fat, difat_start, _n_difat = struct.unpack_from("<IIIII", data, 56)
        if n_fat > self.n_sectors + 1:
            raise OleError("分配表大小超出文件")
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < _ENDOFCHAIN][:n_fat]
        seen: set[int] = set()
        s, per = difat_start, self.sector // 4 - 1
        while s < _ENDOFCHAIN and len(fat_sectors) < n_fat:
            if s in seen or s >= self.n_sectors:
                raise OleError("扩展分配表链损坏")
            seen.add(s)
            vals = struct.unpack_from(f"<{per + 1}I", self._raw(s))
            fat_sectors.extend(v for v in vals[:per] if v < _ENDOFCHAIN)
            s = vals[per]
        fat = bytearray()
        for fs in fat_sectors[:n_fat]:
            if fs >= self.n_sectors:
                raise OleError(f"分配表扇区 {fs} 超出文件末尾")
            fat += self._raw(fs)
        self.fat = struct.unpack(f"<{len(fat) // 4}I", bytes(fat)) if fat else ()
        self.entries = self._directory(dir_start)
        self._mini_fat: tuple[int, ...] | None = None
        self._mini_fat_start, self._n_mini_fat = mini_fat_start, n_mini_fat

    def _raw(self, s: int) -> bytes:
        off = 512 + s * self.sector
        chunk = self.data[off:off + self.sector]
        return chunk + b"\0" * (self.sector - len(chunk))

    def _chain(self, start: int, fat: tuple[int, ...], limit: int) -> list[int]:
        out: list[int] = []
        s = start
        limit = min(limit, len(fat))
        while s != _ENDOFCHAIN and len(out) < limit:
            if s >= len(fat) or (fat is self.fat and s >= self.n_sectors):
                raise OleError(f"扇区 {s} 指向文件之外")
            out.append(s)
            s = fat[s]
        if len(set(out)) != len(out):
            raise OleError("扇区链出现循环")
        return out

    def _directory(self, start: int) -> list[tuple[str, int, int, int]]:
        sectors = self._chain(start, self.fat, self.n_sectors)
        raw = b"".join(self._raw(s) for s in sectors)
        entries = []
        for off in range(0, len(raw) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", raw, off + 64)
            if kind not in (1, 2, 5):
                continue
            name = raw[off:off + min(name_len, 64)].decode("utf-16-le", "replace").rstrip("\0")
            start_s, size = struct.unpack_from("<II", raw, off + 116)
            entries.append((name, kind, start_s, size))
        if not entries or entries[0][1] != 5:
            raise OleError("目录损坏(没有根目录项)")
        return entries

    def stream_names(self) -> set[str]:
        return {name.lower() for name, kind, _s, _z in self.entries if kind == 2}

    def read(self, wanted: str, cap: int | None = None) -> bytes:
        """The stream named ``wanted`` (case-insensitive), at most ``cap`` bytes."""
        for name, kind, start, size in self.entries:  # noqa: B007 - start and size are used after the loop
            if kind == 2 and name.lower() == wanted.lower():
                break
        else:
            raise OleError(f"没有 {wanted} 数据流")
        want = size if cap is None else min(size, cap)
        kept = self._streams.get(name)
        if kept is not None:
            return kept[:want]
        if size < self.mini_cutoff:
            data = self._read_mini(start, want)
        else:
            sectors = self._chain(start, self.fat, -(-want // self.sector))
            data = b"".join(self._raw(s) for s in sectors)
            if len(data) < want:
                raise OleError(f"{wanted} 数据流比声明的短")
            data = data[:want]
        if want == size:
            self._streams[name] = data
        return data

    def _read_mini(self, start: int, want: int) -> bytes:
        if self._mini_fat is None:
            sectors = self._chain(self._mini_fat_start, self.fat, self.n_sectors) if self._n_mini_fat else []
            raw = b"".join(self._raw(s) for s in sectors)
            self._mini_fat = struct.unpack(f"<{len(raw) // 4}I", raw) if raw else ()
            _name, _kind, root_start, root_size = self.entries[0]
            root = self._chain(root_start, self.fat, -(-root_size // self.sector)) if root_size else []
            self._mini_stream = b"".join(self._raw(s) for s in root)
        chain = self._chain(start, self._mini_fat, -(-want // 64))
        data = b"".join(self._mini_stream[s * 64:(s + 1) * 64] for s in chain)
        if len(data) < want:
            raise OleError("小数据流超出范围")
        return data[:want]


def workbook_stream_name(ole: OleFile) -> str | None:
    names = ole.stream_names()
    for n in ("workbook", "book"):
        if n in names:
            return n
    return None
