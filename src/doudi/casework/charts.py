"""The timeliness chart, drawn by the server as SVG (no chart library, nothing from a CDN,
no style attributes): per jurisdiction, the median and the 90th percentile of days from
warning to visit. Numbers are written beside the bars, and the two series differ by pattern
as well as colour, so nothing is told by colour alone."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

STEP = "warning_to_visit"


def timeliness_chart(figures) -> SafeString:
    rows = [f for f in figures[1:] if f.steps[STEP]["n"]]
    if not rows:
        return mark_safe("")
    label_w, bar_w, row_h, gap, legend_h = 110, 220, 14, 10, 28
    width = label_w + bar_w + 70
    height = legend_h + len(rows) * (2 * row_h + gap) + gap
    biggest = max(max(f.steps[STEP]["p90"] or 0, f.steps[STEP]["median"] or 0) for f in rows)
    biggest = biggest or 1
    median_text, p90_text = _("Median"), _("90th percentile")
    title = _("Days from warning to home visit")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-labelledby="timeliness-title">'
        f'<title id="timeliness-title">{escape(title)}</title>'
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e07a1f"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#7a3c00" stroke-width="2"/></pattern></defs>'
        f'<rect x="0" y="6" width="14" height="14" fill="#0b57d0"/>'
        f'<text x="20" y="18" font-size="13">{escape(median_text)}</text>'
        f'<rect x="110" y="6" width="14" height="14" fill="url(#hatch)"/>'
        f'<text x="130" y="18" font-size="13">{escape(p90_text)}</text>'
    ]
    y = legend_h + gap
    for f in rows:
        step = f.steps[STEP]
        parts.append(f'<text x="0" y="{y + row_h + 4}" font-size="13">{escape(f.name[:8])}</text>')
        for n, (value, fill, text) in enumerate(
            ((step["median"], "#0b57d0", median_text), (step["p90"], "url(#hatch)", p90_text))
        ):
            w = bar_w * (value or 0) / biggest
            top = y + n * row_h
            parts.append(
                f'<rect x="{label_w}" y="{top}" width="{w:.1f}" height="{row_h - 2}" '
                f'fill="{fill}"><title>{escape(f.name)} · {escape(text)}: {value:.1f}</title></rect>'
                f'<text x="{label_w + w + 4:.1f}" y="{top + row_h - 3}" font-size="11">'
                f"{value:.1f}</text>"
            )
        y += 2 * row_h + gap
    parts.append("</svg>")
    return mark_safe("".join(parts))
