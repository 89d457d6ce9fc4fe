"""Login throttling counts failures only, per account and per address, in the database shared by
every worker (core/accounts/throttle.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from freezegun import freeze_time

from core.accounts import services
from core.accounts.throttle import AuthAttempt
from core.config import ConfigError, load_config
from core.extensions import db
from core.mail import OutgoingMail
from tests.conftest import PASSWORD

ROOM = {"REMOTE_ADDR": "192.0.2.10"}  # a general assembly behind one Wi-Fi router


def throttled_app(make_app, erp_modules, **limits):
    return make_app(erp_modules, LOGIN_THROTTLE_ENABLED=True, **limits)


def add_users(app, count: int, prefix: str = "member") -> list[str]:
    with app.app_context():
        emails = [
            services.create_user(f"{prefix}{n}@test.example", f"Member {n}", PASSWORD).email for n in range(count)
        ]
        db.session.commit()
    return emails


def post_login(client, email: str, password: str, environ=ROOM):
    return client.post("/login", data={"email": email, "password": password}, environ_base=environ)


def test_sixty_members_log_in_from_one_address(make_app, erp_modules):
    app = throttled_app(make_app, erp_modules)
    emails = add_users(app, 60)
    codes = [post_login(app.test_client(), email, PASSWORD).status_code for email in emails]
    assert codes == [302] * 60


def test_the_sixth_wrong_password_is_refused_even_after_a_success(make_app, erp_modules):
    app = throttled_app(make_app, erp_modules)
    (email,) = add_users(app, 1)
    client = app.test_client()
    codes = [post_login(client, email, "wrong").status_code for _ in range(3)]
    codes.append(post_login(app.test_client(), email, PASSWORD).status_code)
    codes += [post_login(client, email, "wrong").status_code for _ in range(2)]
    assert codes == [200, 200, 200, 302, 200, 200]
    refused = post_login(client, email, "wrong")
    assert refused.status_code == 429 and "Trop de tentatives" in refused.get_data(as_text=True)
    assert post_login(app.test_client(), email, PASSWORD).status_code == 429  # locked, right password or not
    assert post_login(client, "someone-else@test.example", "wrong").status_code == 200


def test_two_workers_share_the_count(make_app, erp_modules):
    workers = [throttled_app(make_app, erp_modules).test_client() for _ in range(2)]
    (email,) = add_users(workers[0].application, 1)
    codes = [post_login(workers[n % 2], email, "wrong", {"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(6)]
    assert codes == [200] * 5 + [429]
    assert post_login(workers[0], email, PASSWORD, {"REMOTE_ADDR": "10.0.0.99"}).status_code == 429


def test_failures_per_address_are_limited_across_accounts(make_app, erp_modules):
    app = throttled_app(make_app, erp_modules, LOGIN_LIMITS="3 per 15 minutes")
    emails = add_users(app, 5)
    codes = [post_login(app.test_client(), email, "wrong").status_code for email in emails[:4]]
    assert codes == [200, 200, 200, 429]
    assert post_login(app.test_client(), emails[4], PASSWORD).status_code == 429
    assert post_login(app.test_client(), emails[4], PASSWORD, {"REMOTE_ADDR": "10.9.9.9"}).status_code == 302


def test_concurrent_guesses_cannot_pass_the_limit(app, live_server):
    """Attempts are committed before the password is checked: simultaneous guesses see each other."""
    app.config["LOGIN_THROTTLE_ENABLED"] = True
    (email,) = add_users(app, 1, prefix="target")

    def guess(n: int) -> int:
        return requests.post(
            f"{live_server}/login", data={"email": email, "password": f"guess-{n}"}, timeout=60
        ).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = sorted(pool.map(guess, range(12)))
    assert codes.count(200) <= 5 and set(codes) <= {200, 429}


def test_the_window_passes_and_old_attempts_are_pruned(make_app, erp_modules):
    app = throttled_app(make_app, erp_modules)
    (email,) = add_users(app, 1)
    client = app.test_client()
    with freeze_time("2026-03-02 09:00:00"):
        assert [post_login(client, email, "wrong").status_code for _ in range(6)] == [200] * 5 + [429]
    with freeze_time("2026-03-02 09:16:00"):
        assert post_login(client, email, PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuthAttempt)) == 0
        assert all(len(key) == 64 and "@" not in key for key in db.session.scalars(db.select(AuthAttempt.key)))


def test_password_reset_requests_count_too(make_app, erp_modules):
    app = throttled_app(make_app, erp_modules)
    (email,) = add_users(app, 1)
    client = app.test_client()
    codes = [client.post("/password/forgot", data={"email": email}).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OutgoingMail)) == 5


@pytest.mark.parametrize("limit", ["lots", "0 per minute", "5 per 0 minutes", "5 per fortnight"])
def test_a_malformed_limit_stops_the_start_up(limit):
    with pytest.raises(ConfigError, match="login limit"):
        load_config({"LOGIN_ACCOUNT_LIMITS": limit})
