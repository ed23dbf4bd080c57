"""A table wider than the console, printed as several tables stacked one under the other.

Left to itself rich squeezes every column of a table that does not fit and elides what no longer fits, so on an
80-column terminal each slice metric reads ``0.5…``. A number cut like that says nothing (or something wrong),
so a :class:`Stacked` table keeps every number whole: it splits the columns into groups that fit the width, and
each group repeats the key column (the slice, the feature, the metric) so every part reads on its own. Names
may be shortened, in the middle (``Female × Amer…n-Eskimo``: the start and the end tell values apart).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Column, Table
from rich.text import Text

#: the key column is never shortened below this many cells (unless the console is narrower than that)
KEY_MIN = 12
#: a header wider than its column's values is shortened to at most this many cells when the table is split
HEADER_MIN = 10
#: what the title of every part after the first says
CONTINUED = " (continued)"
ELLIPSIS = "…"


def middle(value: str, width: int) -> str:
    """``value`` in at most ``width`` cells, cut in the middle with … (the start and the end both stay)."""
    if cell_len(value) <= width:
        return value
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1
    head, tail = _take(value, (room + 1) // 2), _take(value[::-1], room // 2)[::-1]
    return head + ELLIPSIS + tail


def _take(value: str, width: int) -> str:
    """The longest start of ``value`` of at most ``width`` cells (a wide character counts two)."""
    out, used = [], 0
    for ch in value:
        used += cell_len(ch)
        if used > width:
            break
        out.append(ch)
    return "".join(out)


def _shortened(cell: RenderableType, width: int) -> RenderableType:
    """A name cell in ``width`` cells: a Text or str cut in the middle, its style kept; anything else as is."""
    if isinstance(cell, Text):
        if cell.cell_len <= width:
            return cell
        return Text(middle(cell.plain, width), style=cell.style, justify=cell.justify, end=cell.end)
    if isinstance(cell, str):
        return Text(middle(cell, width))
    return cell


@dataclass(frozen=True)
class Stacked:
    """``table`` as rich prints it when it fits the console, else in parts that each fit (see the module).

    The first column is the key, repeated in every part. A part's columns keep their natural width, so no value
    is ever elided; only names (the key, a header wider than its values, a column with a ``max_width``) are."""

    table: Table

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        full = Measurement.get(console, options, self.table)
        widths = self._widths(console, options)
        pad = self._pad()
        narrowest = min(widths[0], KEY_MIN) + pad + max((w + pad for w in widths[1:]), default=0)
        return Measurement(min(full.minimum, narrowest), full.maximum).clamp(max_width=options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if Measurement.get(console, options.update_width(10**6), self.table).maximum <= width:
            yield self.table
            return
        yield from self._parts(console, options, width)

    def _pad(self) -> int:
        _top, right, _bottom, left = self.table.padding
        return left + right

    def _widths(self, console: Console, options: ConsoleOptions) -> list[int]:
        """Each column's natural width: its widest cell, a header wider than the cells capped at HEADER_MIN."""
        wide = options.update_width(10**6)
        out = []
        for j, column in enumerate(self.table.columns):
            cells = max((Measurement.get(console, wide, c).maximum for c in column._cells), default=0)
            header = Measurement.get(console, wide, column.header).maximum if self.table.show_header else 0
            w = max(cells, header) if j == 0 else max(cells, min(header, max(cells, HEADER_MIN)))
            if column.max_width is not None:
                w = min(w, column.max_width)
            out.append(max(w, column.min_width or 0, 1))
        return out

    def _parts(self, console: Console, options: ConsoleOptions, width: int) -> Iterator[RenderableType]:
        widths = self._widths(console, options)
        pad = self._pad()
        key_natural = widths[0]
        key_least = min(key_natural, max(KEY_MIN, width // 3))
        groups = _groups([w + pad for w in widths[1:]], max(1, width - key_least - pad))
        widest = max(sum(widths[j + 1] + pad for j in g) for g in groups)
        key = max(1, min(key_natural, width - pad - widest))
        for n, group in enumerate(groups):
            if n:
                yield Text("")
            yield self._part(n, [0, *(j + 1 for j in group)], [key, *(widths[j + 1] for j in group)])

    def _part(self, n: int, columns: Sequence[int], widths: Sequence[int]) -> Table:
        t = self.table
        title = t.title
        if n and title is not None:
            title = (title.copy() if isinstance(title, Text) else Text(str(title))) + Text(CONTINUED)
        part = Table(
            title=title,
            title_justify=t.title_justify,
            title_style=t.title_style,
            caption=t.caption if n == 0 else None,
            box=t.box,
            padding=t.padding,
            pad_edge=t.pad_edge,
            show_header=t.show_header,
            show_edge=t.show_edge,
            show_lines=t.show_lines,
            header_style=t.header_style,
            style=t.style,
            row_styles=t.row_styles,
            leading=t.leading,
            expand=False,
        )
        for j, w in zip(columns, widths, strict=True):
            _add_column(part, t.columns[j], w)
        for i, row in enumerate(t.rows):
            cells = [t.columns[j]._cells[i] for j in columns]
            part.add_row(_shortened(cells[0], widths[0]), *cells[1:], style=row.style, end_section=row.end_section)
        return part


def _add_column(part: Table, source: Column, width: int) -> None:
    """A copy of ``source`` that is exactly ``width`` wide, its header shortened to fit, never wrapping."""
    part.add_column(
        _shortened(source.header, width),
        justify=source.justify,
        vertical=source.vertical,
        overflow=source.overflow,
        width=width,
        no_wrap=True,
        style=source.style,
        header_style=source.header_style,
    )


def _groups(widths: Sequence[int], room: int) -> list[list[int]]:
    """Consecutive columns packed into as few groups of at most ``room`` cells as fit (a column wider than the
    room alone in its group)."""
    groups: list[list[int]] = [[]]
    used = 0
    for j, w in enumerate(widths):
        if groups[-1] and used + w > room:
            groups.append([])
            used = 0
        groups[-1].append(j)
        used += w
    return groups if groups[0] else [[]]


def stacked(renderables: Sequence[RenderableType]) -> list[RenderableType]:
    """Each table of ``renderables`` made :class:`Stacked`; the rest as they are."""
    return [Stacked(r) if isinstance(r, Table) and r.columns else r for r in renderables]


__all__ = ["Stacked", "middle", "stacked"]
