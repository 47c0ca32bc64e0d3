# Slate's production image: gunicorn for web, the same image runs the Celery worker and beat (docker-compose.yml).
FROM python:3.11-slim

# PYTHONPATH: the code runs from /app (where templates/ and static/ sit next to it), not from site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first, so editing code or templates does not reinstall them.
COPY pyproject.toml README.md ./
COPY studio ./studio
COPY shots ./shots
COPY schedules ./schedules
COPY dailies ./dailies
COPY budgets ./budgets
RUN pip install .

COPY manage.py ./
COPY templates ./templates
COPY static ./static

# Static files are collected (hashed and compressed for whitenoise) at build time; the key is a throwaway that
# exists only for this step. Settings need no database or Redis to import.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-real-secret-key python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --user-group --home-dir /app --no-create-home slate \
    && mkdir -p /srv/slate/media \
    && chown slate:slate /srv/slate/media

USER slate
EXPOSE 8000
CMD ["gunicorn", "studio.wsgi:application", "--bind", "0.0.0.0:8000"]
