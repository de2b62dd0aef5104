"""Zip containers (xlsx, xlsm, xlsb, ods) opened so that a hostile one is refused before it costs much.

The end record is read before ``zipfile`` builds an object for every central directory entry; the
declared sizes and compression ratios are checked before anything is inflated; small workbooks are
read into memory once and their parts inflated straight from those bytes; every XML part read here
is checked for a DTD (:mod:`.xmlcheck`).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import lru_cache

from ..errors import describe
from .grid import ReadError
from .limits import Limits
from .xmlcheck import refuse_dtd


def open_zip(path: str, limits: Limits, data: bytes | None = None) -> zipfile.ZipFile:
    """Open a zip after checking its end record: ``zipfile`` builds an object for every central
    directory entry before we can count them, so a hostile directory is refused unread.
    ``data``: the file's bytes, when the caller has read them already."""
    try:
        with (open(path, "rb") if data is None else io.BytesIO(data)) as fh:
            fh.seek(0, 2)
            size = fh.tell()
            back = min(size, 65557)
            fh.seek(size - back)
            tail = fh.read(back)
            end = tail.rfind(b"PK\x05\x06")
            if end >= 0 and end + 22 <= len(tail):
                entries, cd_size = struct.unpack_from("<HI", tail, end + 10)
                if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and end >= 20 and tail[end - 20:end - 16] == b"PK\x06\x07":
                    (z64,) = struct.unpack_from("<Q", tail, end - 20 + 8)
                    if z64 < size:
                        fh.seek(z64)
                        rec = fh.read(56)
                        if rec[:4] == b"PK\x06\x06" and len(rec) == 56:
                            entries, cd_size = struct.unpack_from("<QQ", rec, 32)
                _check_members(entries, limits)
                if cd_size > limits.max_zip_members * 600:
                    raise ReadError(f"文件内部目录有 {cd_size / 1048576:.1f} MB,异常庞大,疑似恶意文件,拒绝读取")
    except OSError as exc:
        raise ReadError(f"读取文件出错:{exc.strerror or exc}") from exc
    try:
        if size <= _BUFFER_BYTES:
            if data is None:
                with open(path, "rb") as fh:
                    data = fh.read()
            return _BytesZip(data)
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error) as exc:
        raise ReadError("文件已损坏或不完整(zip 结构无法打开),请重新保存或重新下载") from exc
    except NotImplementedError as exc:  # zipfile: "zip file version 9.9", an unknown compression
        raise ReadError(f"文件已损坏:压缩包的版本或压缩方式不是 Excel/WPS 所用的({exc}),请重新保存或重新下载") from exc
    except OSError as exc:
        raise ReadError(f"读取文件出错:{exc.strerror or exc}") from exc


_BUFFER_BYTES = 32 * 1024 * 1024


class _BytesZip(zipfile.ZipFile):
    """A zip read from its bytes in memory, whose ``read`` inflates a member straight from them:
    ``zipfile`` spends some 50 µs a member on file objects, which counts when a workbook has ten
    small parts. Anything unusual (encryption, another method, a header that does not match,
    sizes or CRC that lie) goes to ``zipfile.ZipFile.read``, which says what is wrong.

    ``verified`` keeps the parts sniff inflated and verified (see :func:`read_verified`), so
    that the pre-flight, which reads every part strictly, does not inflate them a second time."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._data = data
        self.verified: dict[str, bytes] = {}

    def read(self, name, pwd=None) -> bytes:
        info = name if isinstance(name, zipfile.ZipInfo) else self.NameToInfo.get(name)
        if info is not None and pwd is None:
            out = self.inflate(info)
            if out is not None:
                return out
        return super().read(name, pwd)

    def inflate(self, info: zipfile.ZipInfo) -> bytes | None:
        """The member inflated from memory, its size and CRC checked; None if anything is unusual
        (then ``zipfile`` must read it, and says what is wrong)."""
        data = self._data
        if info.flag_bits & 0x1 or info.compress_type not in (0, 8):
            return None
        at = info.header_offset
        if data[at:at + 4] != b"PK\x03\x04":
            return None
        n, m = struct.unpack_from("<HH", data, at + 26)
        start = at + 30 + n + m
        raw = data[start:start + info.compress_size]
        if len(raw) != info.compress_size:
            return None
        small = info.file_size <= _SMALL_PART and info.compress_size <= _SMALL_PART
        inflate = _inflate_small if small else _inflate
        return inflate(raw, info.compress_type, info.file_size, info.CRC)


_SMALL_PART = 16 * 1024


def _inflate(raw: bytes, method: int, size: int, crc: int) -> bytes | None:
    """Stored or deflated bytes, inflated to at most ``size`` + 1 bytes; None unless they come to
    exactly ``size`` bytes with CRC ``crc``."""
    try:
        out = zlib.decompressobj(-15).decompress(raw, size + 1) if method else raw
    except zlib.error:
        return None
    return out if len(out) == size and zlib.crc32(out) == crc else None


@lru_cache(maxsize=256)
def _inflate_small(raw: bytes, method: int, size: int, crc: int) -> bytes | None:
    """:func:`_inflate`, remembered for small parts: workbooks saved by one program from one
    template carry byte-identical [Content_Types].xml, relationships, styles..., and the same
    bytes inflate and check the same way every time (at most 256 x 2 x 16 KB are kept)."""
    return _inflate(raw, method, size, crc)


def read_verified(zf: zipfile.ZipFile, name: str, cap: int) -> bytes | None:
    """A part of a zip held in memory, inflated and verified (size and CRC) as ``_read_part``
    would, and kept for it: sniff reads the package relationships and content types, and the
    pre-flight reads every part again strictly. None (nothing kept) if the zip is not in memory,
    the part declares more than ``cap`` bytes, or anything about it is unusual: the caller then
    reads it its own way, and ``_read_part`` later reads it strictly and names what is wrong."""
    if not isinstance(zf, _BytesZip):
        return None
    info = zf.NameToInfo.get(name)
    if info is None or info.file_size > cap:
        return None
    out = zf.inflate(info)
    if out is not None:
        zf.verified[name] = out
    return out


def _check_members(n: int, limits: Limits) -> None:
    if n > limits.max_zip_members:
        raise ReadError(f"文件内部包含 {n} 个部件,超过上限 {limits.max_zip_members},疑似恶意文件,拒绝读取")


def in_memory(zf: zipfile.ZipFile) -> bool:
    """A zip read whole into memory by open_zip (holds no file handle)."""
    return isinstance(zf, _BytesZip)


def check_zip(path: str, limits: Limits, zf: zipfile.ZipFile | None = None) -> zipfile.ZipFile:
    """Open a zip workbook (or take ``zf``, already opened by open_zip) and refuse bombs by its
    declared sizes. The caller closes it."""
    zf = zf if zf is not None else open_zip(path, limits)
    try:
        infos = zf.infolist()
        _check_members(len(infos), limits)
        total = sum(i.file_size for i in infos)
        if total > limits.max_uncompressed_bytes:
            raise ReadError(
                f"文件解压后有 {total / 1048576:.0f} MB,超过上限 {limits.max_uncompressed_bytes / 1048576:.0f} MB"
                "(疑似压缩炸弹或过大的表格);如确需读取,请在 gps.toml 的 [limits] 中调高 max_uncompressed_mb"
            )
        for i in infos:
            if i.file_size > 1024 * 1024 and i.file_size > limits.max_compression_ratio * max(i.compress_size, 1):
                raise ReadError(
                    f"文件部件 {i.filename} 的压缩比为 {i.file_size // max(i.compress_size, 1)}:1,疑似压缩炸弹,拒绝读取"
                )
    except BaseException:
        zf.close()
        raise
    return zf


def _read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """A part read strictly (a damaged one is named) and checked for a DTD."""
    kept = zf.verified.pop(name, None) if isinstance(zf, _BytesZip) else None
    if kept is not None:  # inflated and verified by sniff already (read_verified)
        return refuse_dtd(kept, name)
    try:
        data = zf.read(name)
    except Exception as exc:
        why = "校验和不符或大小与声明不符" if "CRC" in str(exc) or "size" in str(exc) else describe(exc)
        raise ReadError(f"文件已损坏:部件 {name} 无法解压({why}),请重新保存或重新下载") from exc
    return refuse_dtd(data, name)
