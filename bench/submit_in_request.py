"""The real app with Send's processing message sent inside the request again, as it was before
the hand-off (`survey_app.background.HandOff`), for bench/handoff.py to serve beside this code:
`gunicorn --pythonpath bench submit_in_request:app`, with the real app's SURVEY_* settings."""

from survey_app.background import background_work
from survey_app.wsgi import app
from workers.actors import enqueue_processing

background_work(app).process_response = enqueue_processing

__all__ = ["app"]
