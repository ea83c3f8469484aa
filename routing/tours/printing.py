"""The printable A4 itinerary of a tour, one section per team and one table per dated day: HTML with print
CSS, or a PDF drawn with matplotlib in a CJK font. Every text from data is HTML-escaped; the "estimated"
note and the provisional-calendar label are printed where they apply."""

from __future__ import annotations

import html
import io
import math
import numbers

import matplotlib
import pandas as pd

from routing import exports
from routing.tours._labels import lab
from routing.tours._types import TourLike, as_plan
from routing.tours.outputs import itinerary_frame, notes, summary_lines

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

__all__ = ["itinerary_print_html", "itinerary_print_pdf"]

_PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;
  font-size: 10.5pt; color:#222; }
h1 { font-size: 15pt; margin: 0 0 4pt; } h2 { font-size: 12.5pt; margin: 10pt 0 4pt; }
.meta { color:#555; margin-bottom: 6pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6pt; page-break-inside: avoid; }
th, td { border: 0.6pt solid #999; padding: 2pt 4pt; text-align: left; }
th { background: #eee; } td.num { text-align: right; } tr.lunch td { color: #555; font-style: italic; }
.team { page-break-after: always; } .team:last-child { page-break-after: auto; }
.est { color: #a0522d; font-weight: bold; }
@media screen { body { max-width: 190mm; margin: 10mm auto; } }
"""


def _print_columns(frame: pd.DataFrame, lang: str) -> list[str]:
    """The itinerary columns a team needs on paper (priority and population stay in the workbook)."""
    drop = {lab(k, lang) for k in ("team", "day", "date", "score", "pop")}
    return [c for c in frame.columns if c not in drop]


def _day_title(day: int, date_label: str, lang: str) -> str:
    return lab("day_n", lang, d=day) + (f" · {date_label}" if date_label else "")


def _cell(v: object) -> object:
    missing = v is None or v is pd.NA or (isinstance(v, numbers.Real) and math.isnan(float(v)))
    return "" if missing else v


def itinerary_print_html(tour: TourLike, lang: str = "zh") -> str:
    """A printable A4 itinerary (HTML with print CSS): one page per team, one table per dated day."""
    plan = as_plan(tour)
    esc = html.escape
    frame = itinerary_frame(tour, lang)
    title = lab("title", lang)
    parts = [
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh"}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{_PRINT_CSS}</style></head><body>"
    ]
    meta = "<br>".join(esc(s) for s in summary_lines(tour, lang))
    lunch_kind = lab("lunch", lang)
    for team in sorted({d.team for d in plan.days}):
        parts.append(
            f'<section class="team"><h1>{esc(title)} · {esc(lab("team_n", lang, t=team))}</h1>'
            f'<div class="meta">{meta}'
        )
        if plan.estimated:
            parts.append(f'<br><span class="est">{esc(lab("all_estimated", lang))}</span>')
        parts.append("</div>")
        sub = frame[frame[lab("team", lang)] == team]
        cols = _print_columns(frame, lang)
        for day, rows in sub.groupby(lab("day", lang), sort=True):
            parts.append(
                f"<h2>{esc(_day_title(int(str(day)), str(rows[lab('date', lang)].iloc[0]), lang))}</h2>"
                "<table><tr>"
            )
            parts += [f"<th>{esc(str(c))}</th>" for c in cols]
            parts.append("</tr>")
            for _, r in rows.iterrows():
                cls = ' class="lunch"' if r[lab("kind", lang)] == lunch_kind else ""
                parts.append(f"<tr{cls}>")
                for c in cols:
                    v = _cell(r[c])
                    num = ' class="num"' if isinstance(v, numbers.Number) and not isinstance(v, bool) else ""
                    parts.append(f"<td{num}>{esc(str(v))}</td>")
                parts.append("</tr>")
            parts.append("</table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)


def _pdf_rows(frame: pd.DataFrame, team: int, lang: str) -> list[list[str]]:
    """Table rows of one team for the PDF: a heading row per dated day, then its itinerary rows."""
    cols = _print_columns(frame, lang)
    where = cols.index(lab("place", lang))
    sub = frame[frame[lab("team", lang)] == str(team)]
    out: list[list[str]] = []
    for day, rows in sub.groupby(lab("day", lang), sort=False):
        heading = [""] * len(cols)
        heading[where] = _day_title(int(str(day)), str(rows[lab("date", lang)].iloc[0]), lang)
        out.append(heading)
        out += rows[cols].astype(str).to_numpy().tolist()
    return out


def itinerary_print_pdf(tour: TourLike, lang: str = "zh", *, rows_per_page: int = 34) -> bytes:
    """The printable itinerary as a PDF (A4 portrait): per team the key figures, the "estimated" note on the
    estimated network, and the itinerary rows under a heading per dated day (long teams continue on further
    pages).

    Parameters
    ----------
    tour
        A :class:`routing.tours.FujianTour` or a :class:`routing.tours.TourPlan`.
    lang
        "zh" or "en".
    rows_per_page
        Table rows per page (A4 portrait fits about 34 with the header).

    Returns
    -------
    bytes
        The PDF document.
    """
    plan = as_plan(tour)
    frame = itinerary_frame(tour, lang, as_text=True)
    head = summary_lines(tour, lang)
    note = notes(tour, lang)[-1] if plan.estimated else ""
    cols = _print_columns(frame, lang) if not frame.empty else [lab("place", lang)]
    title = lab("title", lang)
    buf = io.BytesIO()
    with (
        plt.rc_context({"font.family": exports.cjk_font_family(), "pdf.fonttype": 42}),
        PdfPages(buf, metadata={"Title": title, "Creator": "xunzhen"}) as pdf,
    ):
        for team in sorted({d.team for d in plan.days}) or [1]:
            rows = _pdf_rows(frame, team, lang) if not frame.empty else []
            chunks = [rows[i : i + rows_per_page] for i in range(0, max(len(rows), 1), rows_per_page)]
            for page, chunk in enumerate(chunks, start=1):
                fig = plt.figure(figsize=(8.27, 11.69))
                heading = f"{title} · {lab('team_n', lang, t=team)}" + (
                    f" ({page}/{len(chunks)})" if len(chunks) > 1 else ""
                )
                fig.text(0.06, 0.965, heading, fontsize=14, fontweight="bold", va="top")
                y = 0.935
                for line in head:
                    fig.text(0.06, y, line, fontsize=7.5, va="top", color="#333333", wrap=True)
                    y -= 0.016
                if note:
                    fig.text(0.06, y, note, fontsize=7.5, va="top", color="#a0522d", fontweight="bold")
                    y -= 0.016
                ax = fig.add_axes((0.06, 0.04, 0.88, y - 0.05))
                ax.axis("off")
                if chunk:
                    _draw_table(ax, chunk, cols, lang)
                pdf.savefig(fig)
                plt.close(fig)
    return buf.getvalue()


def _column_widths(rows: list[list[str]], cols: list[str]) -> list[float]:
    """Column widths (axes fractions summing to 1) proportional to the longest text of each column (day
    headings included), a CJK character counting twice."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    def need(row: list[str], j: int) -> float:  # a day heading is bold, alone in its row
        return width(row[j]) * (1.3 if sum(bool(x) for x in row) == 1 else 1.0)

    longest = [max([width(str(h)), *(need(r, j) for r in rows)]) + 2 for j, h in enumerate(cols)]
    total = float(sum(longest))
    return [w / total for w in longest]


def _draw_table(ax: plt.Axes, rows: list[list[str]], cols: list[str], lang: str) -> None:
    """One page of itinerary rows; day headings shaded and bold, lunch rows grey."""
    table = ax.table(cellText=rows, colLabels=[str(c) for c in cols], loc="upper center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(8.5 if lang != "en" else 7.5)
    widths = _column_widths(rows, cols)
    kind_col = cols.index(lab("kind", lang)) if lab("kind", lang) in cols else -1
    where = cols.index(lab("place", lang))
    heading = {i + 1 for i, r in enumerate(rows) if all(x == "" for j, x in enumerate(r) if j != where)}
    lunch = {i + 1 for i, r in enumerate(rows) if kind_col >= 0 and r[kind_col] == lab("lunch", lang)}
    for (r, c), cell in table.get_celld().items():
        cell.set_width(widths[c])
        cell.set_height(0.024)
        cell.set_linewidth(0.4)
        if r == 0:
            cell.set_facecolor("#eeeeee")
            cell.set_text_props(fontweight="bold")
        elif r in heading:
            cell.set_facecolor("#dde8f3")
            cell.set_text_props(fontweight="bold")
        elif r in lunch:
            cell.set_text_props(color="#666666", fontstyle="italic")
