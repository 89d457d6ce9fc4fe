"""Server-rendered SVG charts (pygal), served as their own responses.

Charts are fetched by <img src> from a chart endpoint: no script runs (pygal's JavaScript is off),
and the page itself keeps its strict CSP. The SVG's own CSP allows its inline <style> by hash, never
with 'unsafe-inline'; pygal's one style attribute becomes a presentation attribute, which needs no
permission. Each chart page also shows the same figures as a table for screen readers (macro
``chart_with_table`` in macros/charts.html).
"""

from __future__ import annotations

import base64
import hashlib
from xml.etree import ElementTree

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
    graph.add_xml_filter(_static_svg)
    if kind != "pie":
        graph.x_labels = labels
        for name, values in series.items():
            graph.add(name, [None if v is None else float(v) for v in values])
    else:
        for name, values in series.items():
            graph.add(name, float(sum(v or 0 for v in values)))
    return graph


def _static_svg(root):
    """Nothing in the SVG needs a CSP exception but its <style>: pygal writes its configuration in
    a <script> even with js=[] (blocked anyway, and noisy), so it goes; and it hides the
    script-driven tooltip with style="opacity: 0", which a CSP without 'unsafe-inline' would
    ignore, so each such declaration becomes the SVG presentation attribute it names."""
    for element in root.iter():
        for child in [c for c in element if str(c.tag).rpartition("}")[2] == "script"]:
            element.remove(child)
        for declaration in element.attrib.pop("style", "").split(";"):
            name, colon, value = declaration.partition(":")
            if colon:
                element.set(name.strip(), value.strip())
    return root


def style_hashes(svg: bytes) -> list[str]:
    """CSP sources for each <style> element, hashed over its text as the browser parses it."""
    root = ElementTree.fromstring(svg)  # our own rendering, not user input
    texts = ("".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}style"))
    return [f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'" for text in texts]


def svg_response(graph) -> Response:
    svg = graph.render()
    response = Response(svg, mimetype="image/svg+xml")
    # The document runs no script at all; only its own <style> elements may apply.
    style_src = " ".join(style_hashes(svg)) or "'none'"
    response.headers["Content-Security-Policy"] = f"default-src 'none'; style-src {style_src}"
    response.headers["Cache-Control"] = "private, max-age=60"
    return response
