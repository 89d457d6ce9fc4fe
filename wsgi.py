"""WSGI entry point: ``app = create_app()``. A module that cannot load stops here in one line."""

import sys

from core import ModuleLoadError, create_app
from core.config import ConfigError

try:
    app = create_app()
except (ModuleLoadError, ConfigError) as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(1)
