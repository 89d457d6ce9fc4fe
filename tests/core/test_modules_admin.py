"""The Modules page and CLI: uninstalling hides menus, pages and API at once; dependencies hold."""

import subprocess
import sys

from core.extensions import db
from core.modules import InstalledModule, ModuleError, install, uninstall
from tests.conftest import ROOT


def test_uninstalled_module_pages_and_api_are_404_until_installed_again(client, make_user, login_as, api_token):
    user = make_user("member_manager")
    headers = api_token(user)
    login_as(user)
    assert client.get("/exemplar/").status_code == 200
    admin = make_user("network_admin")
    admin_client = client.application.test_client()
    admin_client.post("/login", data={"email": admin.email, "password": "correct-horse-42"})
    page = admin_client.get("/admin/modules").get_data(as_text=True)
    assert "exemplar" in page and "Désinstaller" in page
    assert admin_client.post("/admin/modules/exemplar/uninstall").status_code == 302
    assert client.get("/exemplar/").status_code == 404
    assert client.get("/api/v1/exemplar/notes", headers=headers).status_code == 404
    assert "exemplar widget" not in client.get("/dashboard").get_data(as_text=True)
    assert db.session.get(InstalledModule, "exemplar").installed is False
    assert admin_client.post("/admin/modules/exemplar/install").status_code == 302
    assert client.get("/exemplar/").status_code == 200


def test_modules_page_is_for_admins_only(client, make_user, login_as):
    login_as(make_user("member_manager"))
    assert client.get("/admin/modules").status_code == 403
    assert client.post("/admin/modules/exemplar/uninstall").status_code == 403


def test_unknown_module_and_double_uninstall_are_clear_errors(app):
    import pytest

    with pytest.raises(ModuleError, match="Module ghost inconnu|Unknown module ghost"):
        install("ghost")
    uninstall("exemplar")
    with pytest.raises(ModuleError):
        uninstall("exemplar")


def test_cli_lists_modules(make_app, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "modules", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "ERP_MODULES": "",
            "ERP_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
        },
        timeout=60,
    )
    assert result.returncode != 0 or result.stdout == ""  # no schema yet: a clear error, no crash wall
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "modules", "install", "--all"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "ERP_MODULES": "",
            "ERP_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
        },
    )
