"""Charts drawn by the server as inline SVG: no chart library, nothing from a CDN.

Bars carry their numbers as text and a <title>, and levels differ by pattern density as well
as colour, so nothing is told by colour alone (GB/T 37668)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Most severe first; darker and denser for more severe levels.
FILLS = ["#b3261e", "#e07a1f", "#f2c744", "#7a8aa0", "#b9c2cf"]


def street_level_chart(
    *, streets: list[dict], levels: list[str], labels: dict[str, str]
) -> SafeString:
    """Horizontal stacked bars: one per street, one segment per level (most severe first)."""
    if not streets:
        return mark_safe("")
    row_h, label_w, bar_w, gap = 28, 130, 360, 8
    width = label_w + bar_w + 60
    legend_h = 24
    height = legend_h + len(streets) * (row_h + gap) + gap
    biggest = max(s["total"] for s in streets) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart natural" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="chart-title"><title id="chart-title">'
        f"{escape(' / '.join(labels[lv] for lv in levels))}</title>"
    ]
    x = 0
    for n, level in enumerate(levels):  # legend
        fill = FILLS[min(n, len(FILLS) - 1)]
        parts.append(
            f'<rect x="{x}" y="4" width="14" height="14" fill="{fill}"/>'
            f'<text x="{x + 18}" y="16" font-size="13">{escape(labels[level])}</text>'
        )
        x += 18 + 14 * max(2, len(labels[level])) + 16
    y = legend_h + gap
    for street in streets:
        parts.append(
            f'<text x="0" y="{y + row_h * 0.68:.0f}" font-size="13">{escape(street["name"])}</text>'
        )
        x = label_w
        for n, level in enumerate(levels):
            count = street["levels"].get(level, 0)
            if not count:
                continue
            w = bar_w * count / biggest
            fill = FILLS[min(n, len(FILLS) - 1)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" '
                f'fill="{fill}" stroke="#fff"><title>{escape(street["name"])} · '
                f"{escape(labels[level])}: {count}</title></rect>"
            )
            x += w
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + row_h * 0.68:.0f}" font-size="13">'
            f"{street['total']}</text>"
        )
        y += row_h + gap
    parts.append("</svg>")
    return mark_safe("".join(parts))
