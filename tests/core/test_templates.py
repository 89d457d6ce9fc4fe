"""Every template of core and of the loaded modules compiles, and the catalogs are complete."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(ROOT.glob("core/translations/fr/LC_MESSAGES/messages.po")) + sorted(
    ROOT.glob("modules/*/translations/fr/LC_MESSAGES/messages.po")
)


def test_every_template_compiles(make_app):
    app = make_app(None)
    names = app.jinja_env.list_templates()
    assert "base.html" in names
    for name in names:
        app.jinja_env.get_template(name)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_french_catalog_is_complete(path):
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_every_part_with_templates_or_forms_has_catalogs():
    parts = [ROOT / "core"] + [p for p in ROOT.glob("modules/*") if (p / "__manifest__.py").is_file()]
    for part in parts:
        for lang in ("fr", "en"):
            assert (part / "translations" / lang / "LC_MESSAGES" / "messages.po").is_file(), f"{part.name}/{lang}"


def test_catalogs_agree_on_shared_strings():
    """Catalogs are merged into one; a string translated two ways would show the wrong one somewhere.
    Where the meaning differs by context, the module uses a more specific English string."""
    translations: dict[str, dict[str, str]] = {}
    for path in CATALOGS:
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and isinstance(message.id, str):
                    translations.setdefault(message.id, {})[str(path.relative_to(ROOT))] = message.string
    assert {k: v for k, v in translations.items() if len(set(v.values())) > 1} == {}
