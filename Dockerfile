# One image for web, worker and migrations: the command differs per service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --system --uid 10001 --home /app survey
# Pango and a font for WeasyPrint, which draws the report PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md alembic.ini ./
COPY survey_app ./survey_app
COPY workers ./workers
COPY migrations ./migrations
COPY survey_definitions ./survey_definitions
RUN pip install --no-compile . && chown -R survey /app
# Named volumes mounted here start out owned like these folders, so the service can write.
RUN mkdir -p /data/qr /data/exports && chown -R survey /data
USER survey
EXPOSE 8000
CMD ["gunicorn", "--workers", "2", "--bind", "0.0.0.0:8000", "--forwarded-allow-ips", "*", "survey_app.wsgi:app"]
