"""One instance of each Flask extension, bound in create_app."""
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from core.db import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
bootstrap = Bootstrap5()
# Limits are declared on the login view; nothing is limited by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
