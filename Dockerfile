# KUTY application image: gunicorn serves the app; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=kuty.settings.production \
    MEDIA_ROOT=/data/media

# WeasyPrint (PDF reports) needs Pango, HarfBuzz's subsetter and a font; gettext compiles
# the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system kuty \
    && useradd --system --gid kuty --home-dir /app --no-create-home --shell /usr/sbin/nologin kuty

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations and static files are built into the image. Production settings refuse to load
# without a secret key, identity-code keys and a database URL; these dummies exist only for this
# one build step (which reads no identity code) and are not kept in the image's environment.
RUN export DJANGO_SECRET_KEY=build-only-dummy-key-collectstatic-does-not-sign-anything \
        HETU_KEYS=YnVpbGQtb25seS1kdW1teS1rZXktMzItYnl0ZXMtLS0= \
        HETU_HMAC_KEY=build-only-dummy \
        DJANGO_ALLOWED_HOSTS=localhost \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    && if find . -name '*.po' -print -quit | grep -q .; then \
        python manage.py compilemessages; \
    fi \
    && python manage.py collectstatic --noinput -v0 \
    && mkdir -p /data/media \
    && chown kuty:kuty /data/media

USER kuty

EXPOSE 8000

# Workers by cores (gunicorn.conf.py): GUNICORN_WORKERS, else 2 × cores + 1.
CMD ["gunicorn", "kuty.wsgi:application", "--config", "gunicorn.conf.py"]
