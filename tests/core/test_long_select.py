"""LongSelect writes the same markup as WTForms' own select, only faster."""

from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField
from wtforms.widgets import Select

from core.web.forms import LongSelect

CHOICES = [("", "Tous les sites"), ("1", "Ressourcerie d'Ici & <Là>"), ("2", 'Atelier "Vélo"'), ("3", "3")]


def _rendered(widget, chosen: str) -> str:
    class Filter(Form):
        site = SelectField(choices=CHOICES, validate_choice=False, widget=widget)

    return str(Filter(MultiDict({"site": chosen})).site())


def test_long_select_renders_like_wtforms_with_escaping_and_selection():
    for chosen in ("", "1", "2", "missing"):
        assert _rendered(LongSelect(), chosen) == _rendered(Select(), chosen)
    html = _rendered(LongSelect(), "1")
    assert "d&#39;Ici &amp; &lt;Là&gt;" in html and '<option selected value="1">' in html
