"""The WSGI entry point for gunicorn: `gunicorn survey_app.wsgi:app`."""

from survey_app import create_app

app = create_app()
