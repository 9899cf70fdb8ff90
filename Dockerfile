# KlipperIWC container image: one image for every role.
#
#   docker build -t klipperiwc .
#   docker run ... klipperiwc            # web: migrate, set-up, daphne on $PORT
#                                        # (embedded mode: the bridge runs inside)
#   docker run ... klipperiwc bridge     # scaled mode (REDIS_URL): manage.py run_bridge
#   docker run ... klipperiwc worker     # Celery worker
#   docker run ... klipperiwc beat       # Celery beat (exactly one)
#
# See README.md ("Docker") for the volumes and variables a container needs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    LOG_FILE=-

WORKDIR /app

# Dependencies first and on their own, so this layer is rebuilt only when
# requirements.txt changes. Every package there has a binary wheel for
# CPython 3.11 on Linux, so no compiler is needed.
COPY requirements.txt ./
RUN pip install --no-cache-dir --root-user-action=ignore -r requirements.txt

# What the service needs at run time (tests, CI and dev tools stay out; see
# .dockerignore). boards/ and the other apps carry their migrations and data
# files with them.
COPY manage.py ./
COPY klipperiwc_site/ klipperiwc_site/
COPY status/ status/
COPY assets/ assets/
COPY boards/ boards/
COPY control/ control/
COPY accounts/ accounts/
COPY submissions/ submissions/
COPY printers/ printers/
COPY templates/ templates/
COPY static/ static/
COPY scripts/ scripts/

# Static files are collected into the image (served by WhiteNoise).
# Settings need a SECRET_KEY; this build-only value exists on this RUN line
# only, so no data/secret_key is created and nothing secret is baked in.
# LOG_FILE=- keeps the build from writing logs/app.log. Importing the settings
# creates data/ and var/celery/; they are handed to the service user below.
RUN SECRET_KEY=build-only-collectstatic-key-never-used-at-run-time LOG_FILE=- \
        python manage.py collectstatic --noinput \
    && test ! -e data/secret_key \
    && test ! -e logs/app.log \
    && chmod 0755 scripts/docker-entrypoint.sh \
    && groupadd --system --gid 10001 klipperiwc \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin klipperiwc \
    && mkdir -p data var logs \
    && chown -R 10001:10001 data var logs

# The code stays owned by root (read-only for the service); only these three
# are written at run time: data/ (SQLite database, secret_key), var/ (Celery
# filesystem broker, beat schedule, local board assets), logs/ (LOG_FILE).
VOLUME ["/app/data", "/app/var", "/app/logs"]

USER 10001:10001

EXPOSE 8000

# Only meaningful for the web role; run bridge, worker and beat with --no-healthcheck.
# No curl in the slim image: Python's urllib, without any HTTP proxy from the
# environment. With ALLOWED_HOSTS restricted, the Host header is its first
# name (Django refuses other hosts with 400). Any answer but 200 fails.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = [n.strip().lstrip('.') for n in os.environ.get('ALLOWED_HOSTS', '').split(',') if n.strip()]; u.build_opener(u.ProxyHandler({})).open(u.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'Host': h[0]} if h and '*' not in h else {}), timeout=4)"]

ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["web"]
