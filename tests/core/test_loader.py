"""The loader: manifests, dependency order, and one-line errors that stop start-up."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core import create_app
from core.loader import ModuleLoadError, discover, read_manifest, resolve

ROOT = Path(__file__).resolve().parents[2]


def write_module(base: Path, name: str, manifest: str, init: str = "") -> Path:
    path = base / name
    path.mkdir(parents=True)
    (path / "__manifest__.py").write_text(textwrap.dedent(manifest))
    (path / "__init__.py").write_text(textwrap.dedent(init))
    return path


def manifest(name, depends=()):
    return f'{{"name": "{name}", "version": "1.0", "summary": "s", "depends": {list(depends)!r}}}'


def test_topological_order_puts_dependencies_first(tmp_path):
    write_module(tmp_path, "zeta", manifest("zeta"))
    write_module(tmp_path, "alpha", manifest("alpha", ["mid"]))
    write_module(tmp_path, "mid", manifest("mid", ["zeta"]))
    order = [m.name for m in resolve(discover([str(tmp_path)]), None)]
    assert order == ["zeta", "mid", "alpha"]
    assert [m.name for m in resolve(discover([str(tmp_path)]), ["alpha"])] == ["zeta", "mid", "alpha"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{'name': 'bad', 'version': '1.0'", "malformed manifest"),
        ("{'name': 'bad', 'version': '1.0', 'summary': 's', 'extra': 1}", "unknown keys: extra"),
        ("{'name': 'bad', 'summary': 's'}", "missing 'version'"),
        ("{'name': 'other', 'version': '1', 'summary': 's'}", "must match its folder"),
        ("{'name': 'bad', 'version': '1', 'summary': 's', 'depends': 'x'}", "'depends' must be a list"),
        ("{'name': 'bad', 'version': '1', 'summary': 's', 'permissions': {'bad.x': ['king']}}", "unknown role"),
        ("__import__('os').system('true')", "malformed manifest"),
    ],
)
def test_malformed_manifest_is_one_line_naming_the_module(tmp_path, text, expected):
    path = write_module(tmp_path, "bad", text)
    with pytest.raises(ModuleLoadError) as error:
        read_manifest(path)
    assert "module 'bad'" in str(error.value) and expected in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_dependency_and_cycle(tmp_path):
    write_module(tmp_path, "needy", manifest("needy", ["ghost"]))
    with pytest.raises(ModuleLoadError, match="module 'needy': missing dependency 'ghost'"):
        resolve(discover([str(tmp_path)]), None)
    cyc = tmp_path / "cyc"
    write_module(cyc, "aa", manifest("aa", ["bb"]))
    write_module(cyc, "bb", manifest("bb", ["aa"]))
    with pytest.raises(ModuleLoadError, match="dependency cycle aa -> bb -> aa"):
        resolve(discover([str(cyc)]), None)


def test_unknown_module_in_erp_modules(tmp_path):
    with pytest.raises(ModuleLoadError, match="module 'nope': not found"):
        create_app({"ERP_MODULES": "nope", "ERP_MODULE_PATHS": [str(tmp_path)]})


def test_module_failing_to_import_stops_start_up(tmp_path):
    write_module(tmp_path, "broken", manifest("broken"), "raise RuntimeError('boom')\n")
    with pytest.raises(ModuleLoadError, match=r"module 'broken': failed to import \(RuntimeError: boom\)"):
        create_app({"ERP_MODULES": "broken", "ERP_MODULE_PATHS": [str(tmp_path)]})


def test_cli_prints_one_line_and_exits_non_zero(tmp_path):
    write_module(tmp_path, "needy", manifest("needy", ["ghost"]))
    env = {"PATH": "/usr/bin:/bin", "ERP_MODULES": "nope", "ERP_INSTANCE_PATH": str(tmp_path / "inst")}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "modules", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == "error: module 'nope': not found in the module paths"


def test_app_with_the_example_module_registers_every_hook(make_app):
    app = make_app("exemplar")
    registry = app.extensions["erp"]
    assert list(registry.manifests) == ["exemplar"]
    implemented = {
        impl.function.__name__
        for h in registry.pm.hook.__dict__.values()
        if hasattr(h, "get_hookimpls")
        for impl in h.get_hookimpls()
    }
    from core import hookspecs

    specs = {name for name in dir(hookspecs) if name.startswith("erp_")}
    assert specs == implemented
