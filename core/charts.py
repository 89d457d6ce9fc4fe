"""Server-rendered SVG charts (pygal), served as their own responses.

Charts are fetched by <img src> from a chart endpoint: no script runs (pygal's JavaScript is off),
and the page itself keeps its strict CSP. Each chart page also shows the same figures as a
table for screen readers (macro ``chart_with_table`` in macros/charts.html).
"""

from __future__ import annotations

import pygal
from flask import Response
from pygal.style import Style

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#198754", "#0d6efd", "#fd7e14", "#6f42c1", "#dc3545", "#20c997"),
    font_family="DejaVu Sans, Arial, sans-serif",
)
KINDS = {
    "bar": pygal.Bar,
    "line": pygal.Line,
    "pie": pygal.Pie,
    "stacked": pygal.StackedBar,
    "hbar": pygal.HorizontalBar,
}


def _whole_axis(kind: str, series: dict[str, list]) -> dict:
    """Counts get whole-number ticks (0, 1, 2…) instead of pygal's 0.2 steps, while they stay small."""
    columns = list(zip(*series.values()))
    values = [v for column in columns for v in column if v is not None]
    if kind == "pie" or not values or not all(isinstance(v, int) for v in values) or min(values) < 0:
        return {}
    top = max(sum(v or 0 for v in column) for column in columns) if kind == "stacked" else max(values)
    return {"y_labels": list(range(0, max(top, 1) + 1))} if top <= 20 else {}


def chart(kind: str, title: str, labels: list[str], series: dict[str, list], **options):
    options = {**_whole_axis(kind, series), **options}
    graph = KINDS[kind](
        style=STYLE,
        js=[],
        disable_xml_declaration=False,
        width=800,
        height=400,
        explicit_size=False,
        legend_at_bottom=True,
        print_values=False,
        **options,
    )
    graph.title = title
    if kind != "pie":
        graph.x_labels = labels
        for name, values in series.items():
            graph.add(name, [None if v is None else float(v) for v in values])
    else:
        for name, values in series.items():
            graph.add(name, float(sum(v or 0 for v in values)))
    return graph


def svg_response(graph) -> Response:
    response = Response(graph.render(), mimetype="image/svg+xml")
    # pygal styles its SVG with an inline <style>; this document runs no script at all.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, max-age=60"
    return response
