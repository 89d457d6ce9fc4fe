"""One instance of each Flask extension, bound in create_app."""

from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import Babel, Domain
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from werkzeug.utils import cached_property

from core.db import Base


class AppDomain(Domain):
    """Translations cached per app: each app merges the catalogs of its own modules (Flask-Babel's
    cache is process-wide and keyed by locale only, so a second app would get the first's)."""

    def get_translations_cache(self, ctx):
        return current_app.extensions.setdefault("erp_translations", {})


class ErpBabel(Babel):
    @cached_property
    def domain_instance(self):
        return AppDomain(domain=self.domain)


db = SQLAlchemy(model_class=Base)
# Flask-SQLAlchemy builds db.Model at run time; a type checker sees it as the Base it extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
login_manager = LoginManager()
csrf = CSRFProtect()
babel = ErpBabel()
migrate = Migrate()
bootstrap = Bootstrap5()
# Rate limits of public pages that anyone may call (a certificate check); declared per view. Login
# throttling is not here: it counts failures in the database (core/accounts/throttle.py).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
