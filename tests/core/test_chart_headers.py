"""SVG charts carry a CSP without 'unsafe-inline': their <style> is allowed by its hash."""

from __future__ import annotations

import base64
import hashlib
from xml.etree import ElementTree

import pytest
from flask import Blueprint

from core.charts import KINDS, chart, svg_response

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def chart_app(make_app, erp_modules):
    """An app serving each kind of chart as a module's chart endpoint does, after every core hook."""
    app = make_app(erp_modules)
    bp = Blueprint("chart_probe", __name__)

    @bp.get("/probe/<kind>.svg")
    def probe(kind: str):
        series = {"Réemploi <b>&</b>": [3, 5, None], "Recyclage": [1, 2, 4]}
        return svg_response(chart(kind, "Tonnages « 2025 » & <script>", ["T1", "T2", "T3"], series))

    app.register_blueprint(bp)
    return app


def _style_src(policy: str) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    return directives["style-src"].split()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_chart_is_served_with_its_style_hash_and_no_unsafe_inline(chart_app, kind):
    response = chart_app.test_client().get(f"/probe/{kind}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and policy.startswith("default-src 'none'")
    root = ElementTree.fromstring(response.data)  # still a well-formed SVG, with its plot
    assert root.tag == f"{SVG}svg" and root.find(f".//{SVG}rect") is not None
    styles = list(root.iter(f"{SVG}style"))
    assert styles, "pygal styles its chart with a <style> element"
    for style in styles:
        digest = base64.b64encode(hashlib.sha256("".join(style.itertext()).encode()).digest()).decode()
        assert f"'sha256-{digest}'" in _style_src(policy)
    # nothing else would need a CSP exception: no style attribute, no script
    assert [element.tag for element in root.iter() if "style" in element.attrib] == []
    assert list(root.iter(f"{SVG}script")) == []
    assert root.find(f".//{SVG}g[@class='tooltip']").get("opacity") == "0"  # the tooltip stays hidden
