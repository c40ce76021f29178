"""The WSGI entry point for gunicorn: `gunicorn survey_app.wsgi:app`."""

import sys

from survey_app import create_app
from survey_app.settings import ConfigurationError

# Gunicorn stops (rather than restarting workers for ever) when a worker exits with this code.
APP_LOAD_ERROR = 4

try:
    app = create_app()
except ConfigurationError as problem:
    # One clear line for the operator, not a traceback that ends in SQLAlchemy.
    print(f"survey-app cannot start: {problem}", file=sys.stderr)
    raise SystemExit(APP_LOAD_ERROR) from None
