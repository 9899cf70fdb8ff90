#!/bin/sh
# Entry point of the KlipperIWC container image: one image, several roles.
#
#   web          migrate, set up app data, create the admin user from
#                DJANGO_SUPERUSER_* (if set), then serve HTTP + WebSockets
#                with the web server (daphne) on HOST:PORT; in embedded mode
#                (no REDIS_URL, BRIDGE_MODE=web) the bridge runs inside it
#   bridge       the bridge on its own, "manage.py run_bridge" (scaled mode:
#                REDIS_URL set, BRIDGE_MODE=process); one or more containers,
#                they share the printers through leases in the database
#   worker       Celery worker (any number of them)
#   beat         Celery beat, the periodic-task scheduler (run exactly ONE)
#   worker-beat  Celery worker with an embedded beat (single-container
#                embedded mode; then run no other beat)
#   anything else is executed as given, e.g. "python manage.py ping_worker"
#
# Extra arguments after worker, beat or worker-beat are passed to Celery
# (e.g. "worker --queues status"), after bridge to run_bridge. Logs go to
# the console unless LOG_FILE is set.
set -eu

# The project directory: /app in the image; the checkout when run by hand.
APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
cd "$APP_DIR"

# In a container the logs belong on the console (docker logs); settings.py reads
# "-" as "the console". Set LOG_FILE=logs/app.log to write the logs/ volume.
# HOST and PORT come from the settings (the environment, or an env file that
# ENV_FILE names, e.g. a mounted /run/secrets/klipperiwc.env).
LOG_FILE=${LOG_FILE:--}
export LOG_FILE

loglevel=${LOG_LEVEL:-info}
schedule="$APP_DIR/var/celerybeat-schedule"

# Worker processes; 2 as in deploy.sh (Celery's own default, one per CPU of
# the host, is a lot of memory on a big machine).
concurrency=${CELERY_CONCURRENCY:-2}

# Runs "celery -A klipperiwc_site worker ..." with the given extra arguments.
run_worker() {
  exec celery -A klipperiwc_site worker --loglevel "$loglevel" --concurrency "$concurrency" "$@"
}

role=${1:-web}
if [ "$#" -gt 0 ]; then
  shift
fi

case "$role" in
  web)
    # A bad environment variable stops here, at the first manage.py call,
    # with one line naming the variable.
    python manage.py migrate --noinput
    python manage.py setup_app_data
    python manage.py ensure_superuser
    # WEB_PROCESSES daphne processes on one socket on HOST:PORT, with
    # --proxy-headers only when TRUST_PROXY_HEADERS says a proxy sets them
    # (klipperiwc_site/web.py takes all four from the settings).
    exec python -m klipperiwc_site.web
    ;;
  bridge)
    # No migrate here: the web role applies the migrations; a bridge that
    # starts before they are in may exit, and its restart policy brings it
    # back. SIGTERM (docker stop) stops it cleanly: it gives back its
    # printers' leases, so another bridge takes them over at once.
    exec python manage.py run_bridge "$@"
    ;;
  worker)
    run_worker "$@"
    ;;
  worker-beat)
    run_worker --beat --schedule "$schedule" "$@"
    ;;
  beat)
    exec celery -A klipperiwc_site beat --loglevel "$loglevel" --schedule "$schedule" "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
