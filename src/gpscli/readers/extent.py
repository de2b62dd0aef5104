"""The rows and columns a sheet's valued cells span, and the refusal of a grid too big or too sparse.

calamine holds a sheet as a dense grid from A1 to its farthest valued cell: what that grid would
cost is counted from the cells (by every pre-flight scan, :mod:`.xlsx_scan` and
:mod:`.scan_other`) and refused, naming the far cell, before calamine allocates it.
"""

from __future__ import annotations

from .grid import ReadError, col_letter
from .limits import Limits


class Extent:
    """Rows and columns spanned by the cells holding a value, and how many there are (0-based)."""

    __slots__ = ("far", "max_c", "max_r", "min_c", "min_r", "n")

    def __init__(self) -> None:
        self.n = 0
        self.min_r = self.min_c = 1 << 62
        self.max_r = self.max_c = -1
        self.far = (0, 0)

    def add(self, r: int, c: int, count: int = 1, r_span: int = 1, c_span: int = 1) -> None:
        self.n += count
        if r < self.min_r:
            self.min_r = r
        if c < self.min_c:
            self.min_c = c
        if r + r_span - 1 > self.max_r:
            self.max_r = r + r_span - 1
            self.far = (self.max_r, c + c_span - 1)
        if c + c_span - 1 > self.max_c:
            self.max_c = c + c_span - 1
            self.far = (r + r_span - 1, self.max_c)

    def check(self, sheet: str, limits: Limits) -> None:
        if not self.n:
            return
        # The reader builds the grid from A1 (excel.py reads with skip_empty_area=False), so the
        # rows and columns before the first cell cost memory too.
        height = self.max_r + 1
        width = self.max_c + 1
        cells = height * width
        r, c = self.far
        far = f"{col_letter(c)}{r + 1} 单元格" if c < 16384 and r < 1048576 else f"第 {r + 1} 行第 {c + 1} 列的单元格"
        if self.max_r + 1 > limits.max_rows:
            raise ReadError(
                f"工作表「{sheet}」用到了第 {self.max_r + 1} 行(如 {far}),超过上限 {limits.max_rows} 行"
                "(疑似异常文件);请删除多余的行后重新保存"
            )
        if cells > limits.max_cells:
            raise ReadError(
                f"工作表「{sheet}」的数据区域达 {height} 行 × {width} 列(到 {far}),"
                f"超过上限 {limits.max_cells} 个单元格;请删除多余的行列后重新保存"
            )
        if cells > limits.sparse_min_cells and self.n < cells * limits.sparse_fill:
            raise ReadError(
                f"工作表「{sheet}」只有 {self.n} 个单元格有内容,却分布在 {height} 行 × {width} 列的区域里"
                f"(远处的 {far}有内容),读取会耗尽内存;请删除远处多余的内容后重新保存"
            )
