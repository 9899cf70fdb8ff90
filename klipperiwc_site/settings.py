"""KlipperIWC settings: everything comes from the environment.

Read once here; the rest of the code reads django.conf.settings. README.md has
the table of variables. A bad value raises ConfigError, which the entry points
turn into a one-line message.
"""

import os
from pathlib import Path
from typing import Any

from klipperiwc_site.config import LOG_LEVELS, ConfigError, Environment, load_env_file, secret_key
from klipperiwc_site.security_headers import content_security_policy, s3_image_origins

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "data"
VAR_DIR = BASE_DIR / "var"

# The operator's configuration file (.env, or ENV_FILE) first: every process
# that loads these settings (manage.py, daphne, Celery) sees the same values,
# and real environment variables win over the file.
ENV_FILE = load_env_file(BASE_DIR)
env = Environment()

APP_ENV = env.choice("APP_ENV", ("development", "production"), default="production")
DEBUG = APP_ENV == "development"
LOG_LEVEL = env.choice("LOG_LEVEL", LOG_LEVELS, default="info").upper()

SECRET_KEY = secret_key(env, key_file=DATA_DIR / "secret_key", create=True)
# "*" keeps a fresh LAN install reachable by IP or any host name; set
# ALLOWED_HOSTS to the names you serve under when the hub faces the internet.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["*"])
if not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is set but empty; list the host names, comma-separated, or use *.")
CSRF_TRUSTED_ORIGINS = env.origins("CSRF_TRUSTED_ORIGINS")

# Behind a reverse proxy that sets X-Forwarded-Proto/-Host (and only then):
# requests count as HTTPS when the proxy says so, and deploy.sh starts daphne
# with --proxy-headers so client addresses come from X-Forwarded-For.
TRUST_PROXY_HEADERS = env.bool("TRUST_PROXY_HEADERS", default=False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# --- HTTPS ----------------------------------------------------------------------
# Behind a proxy the hub is taken to be served over HTTPS (the README's public-hub
# setup), so HTTPS-only is the default there; a LAN install without a proxy speaks
# plain HTTP and keeps all of this off. Each part can be set on its own.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=TRUST_PROXY_HEADERS)
# What talks plain HTTP to daphne on the loopback address, past the proxy: the
# /healthz probes of deploy.sh and the Docker image, and Prometheus on /metrics.
# (WebSockets never pass Django's middleware, so /ws/status is not redirected.)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^metrics/?$"]
# HSTS is sent on HTTPS responses only. A year, as the preload list requires;
# browsers that saw it refuse plain HTTP to this host (and its subdomains) that long.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000 if TRUST_PROXY_HEADERS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=TRUST_PROXY_HEADERS)
# Only consent to the preload list: nothing is listed until someone submits the domain.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=TRUST_PROXY_HEADERS)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=TRUST_PROXY_HEADERS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=TRUST_PROXY_HEADERS)
# No script of the site reads the CSRF cookie (forms carry the token, Swagger UI gets it
# from its init script), so scripts may not read it either.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True

# Threads per daphne process that run HTTP requests (klipperiwc_site/asgi_handler.py).
WEB_REQUEST_THREADS = env.int("WEB_REQUEST_THREADS", 8, minimum=1, maximum=256)

# Where deploy.sh, the Dockerfile and the README tell daphne to listen.
HOST = env.str("HOST", "0.0.0.0")
PORT = env.int("PORT", 8000, minimum=1, maximum=65535)

INSTALLED_APPS = [
    # daphne first: its runserver replaces Django's and serves WebSockets too.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "klipperiwc_site",
    "status",
    "assets",
    "boards",
    "control",
    "accounts",
    "submissions",
    "printers",
]

MIDDLEWARE = [
    # First: counts and times every answer, errors included (GET /metrics).
    "klipperiwc_site.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy (klipperiwc_site/security_headers.py).
    # Outside everything below, so the pages they answer with (the 503 page) have them too;
    # inside WhiteNoise, whose static files need neither.
    "csp.middleware.CSPMiddleware",
    "klipperiwc_site.security_headers.PermissionsPolicyMiddleware",
    "klipperiwc_site.middleware.JsonApiErrorsMiddleware",
    # A database that does not answer: 503 with Retry-After, not 500.
    "klipperiwc_site.middleware.DatabaseUnavailableMiddleware",
    "klipperiwc_site.nul_characters.NulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "klipperiwc_site.urls"
ASGI_APPLICATION = "klipperiwc_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.database(
        "DATABASE_URL",
        default_sqlite_path=DATA_DIR / "klipperiwc.sqlite3",
        base_dir=BASE_DIR,
    )
}
# Seconds a database connection is reused (0: one per request). Reuse spares
# every request a new connection (and, on SQLite, its PRAGMAs); health checks
# drop a connection the server closed meanwhile.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ---------------------------------------
REDIS_URL = env.redis_url("REDIS_URL")
# Group memberships expire after CHANNEL_GROUP_EXPIRY seconds unless renewed;
# status/consumers.py renews its memberships every hour, so a dashboard left
# open for weeks keeps receiving, and a crashed process's channels still go.
CHANNEL_GROUP_EXPIRY = 6 * 3600
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's layer, healing dead pooled connections after a
            # Redis restart and closing sockets cleanly during an outage.
            "BACKEND": "klipperiwc_site.channel_layers.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "klipperiwc", "group_expiry": CHANNEL_GROUP_EXPIRY},
        }
    }
    CACHES = {
        "default": {
            # Django's RedisCache with short timeouts, for which an outage is
            # a run of misses: everything cached is also in the database.
            "BACKEND": "klipperiwc_site.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "klipperiwc",
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "klipperiwc_site.channel_layers.ThrottledInMemoryChannelLayer",
            "CONFIG": {"group_expiry": CHANNEL_GROUP_EXPIRY},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Daphne processes behind one listening socket (klipperiwc_site/web.py). More
# than one needs Redis: the in-process channel layer would only reach the
# WebSocket clients of the process that produced an event.
WEB_PROCESSES = env.int("WEB_PROCESSES", 1, minimum=1, maximum=64)
if WEB_PROCESSES > 1 and not REDIS_URL:
    raise ConfigError(
        f"WEB_PROCESSES={WEB_PROCESSES} needs REDIS_URL: without Redis each daphne process would "
        "only reach its own WebSocket clients; set REDIS_URL or use WEB_PROCESSES=1."
    )

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_DIR = VAR_DIR / "celery" / "broker"
CELERY_RESULTS_DIR = VAR_DIR / "celery" / "results"
CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL", "filesystem://", schemes=("filesystem", "redis", "rediss", "amqp", "amqps")
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: a real broker with no server, so the
    # embedded install still runs a worker and beat. Both sides of the queue
    # use the same folder.
    CELERY_BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    (VAR_DIR / "celery" / "control").mkdir(parents=True, exist_ok=True)
    _default_result_backend = CELERY_RESULTS_DIR.as_uri()
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    _default_result_backend = CELERY_BROKER_URL
else:
    _default_result_backend = "rpc://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", _default_result_backend)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery logs through LOGGING below (UTC time stamps, LOG_FILE, LOG_LEVEL).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# --- Printer status ---------------------------------------------------------
# Days of status history kept; 0 keeps everything.
STATUS_HISTORY_RETENTION_DAYS = env.int("STATUS_HISTORY_RETENTION_DAYS", 30, minimum=0)
STATUS_HISTORY_CLEANUP_INTERVAL_SECONDS = env.int("STATUS_HISTORY_CLEANUP_INTERVAL_SECONDS", 3600, minimum=60)
# A printer's status is stored at most once per this many milliseconds.
STATUS_HISTORY_MIN_INTERVAL_MS = env.int("STATUS_HISTORY_MIN_INTERVAL_MS", 1000, minimum=0)
STATUS_HISTORY_PRUNE_BATCH_SIZE = env.int("STATUS_HISTORY_PRUNE_BATCH_SIZE", 2000, minimum=1)
# Unset: /ws/status is open (as in the product description); set: ?token= must match.
STATUS_WS_TOKEN = env.str("STATUS_WS_TOKEN")
if STATUS_WS_TOKEN and len(STATUS_WS_TOKEN) < 16:
    raise ConfigError(
        f"STATUS_WS_TOKEN is {len(STATUS_WS_TOKEN)} characters long; use at least 16 random characters "
        "(like every other token), or leave it unset for an open /ws/status."
    )
STATUS_WS_MAX_MESSAGES_PER_MINUTE = env.int("STATUS_WS_MAX_MESSAGES_PER_MINUTE", 60, minimum=1)

# --- Printers: the bridge, Moonraker, control ---------------------------------
# Unset: the printer admin API (X-Printer-Admin-Key) and the control API
# (X-Printer-Control-Key) answer 503; they are never open.
PRINTER_ADMIN_TOKEN = env.str("PRINTER_ADMIN_TOKEN")
PRINTER_CONTROL_TOKEN = env.str("PRINTER_CONTROL_TOKEN")
for _name, _token in (("PRINTER_ADMIN_TOKEN", PRINTER_ADMIN_TOKEN), ("PRINTER_CONTROL_TOKEN", PRINTER_CONTROL_TOKEN)):
    if _token and len(_token) < 16:
        raise ConfigError(f"{_name} is {len(_token)} characters long; use at least 16 random characters.")
if PRINTER_ADMIN_TOKEN and PRINTER_ADMIN_TOKEN == PRINTER_CONTROL_TOKEN:
    raise ConfigError(
        "PRINTER_ADMIN_TOKEN and PRINTER_CONTROL_TOKEN are the same; use two different tokens, "
        "so whoever may pause a print cannot also change or delete printers."
    )
# How long POST /api/printers/{slug}/gcode waits for Moonraker's answer before a 504.
PRINTER_GCODE_TIMEOUT_SECONDS = env.int("PRINTER_GCODE_TIMEOUT_SECONDS", 60, minimum=1, maximum=3600)
# Seconds other control calls to Moonraker may take before a 504.
PRINTER_REQUEST_TIMEOUT_SECONDS = env.int("PRINTER_REQUEST_TIMEOUT_SECONDS", 10, minimum=1, maximum=600)
# Largest G-code file POST /api/printers/{slug}/files takes.
PRINTER_FILE_MAX_BYTES = env.int("PRINTER_FILE_MAX_BYTES", 512 * 1024 * 1024, minimum=1)
# G-code thumbnails (GET /api/printers/{slug}/thumbnail, control/thumbnails.py): the largest image
# fetched from a printer, how long "this file has no thumbnail" is believed, and how long a stored one
# is served before Moonraker is asked whether the file changed (unless the URL names its modified time).
PRINTER_THUMBNAIL_MAX_BYTES = env.int("PRINTER_THUMBNAIL_MAX_BYTES", 1024 * 1024, minimum=1024)
PRINTER_THUMBNAIL_MISSING_SECONDS = env.int("PRINTER_THUMBNAIL_MISSING_SECONDS", 600, minimum=0)
PRINTER_THUMBNAIL_RECHECK_SECONDS = env.int("PRINTER_THUMBNAIL_RECHECK_SECONDS", 300, minimum=0)
# Days print_jobs rows are kept after a job ended; 0 keeps them forever.
PRINT_JOB_RETENTION_DAYS = env.int("PRINT_JOB_RETENTION_DAYS", 0, minimum=0)
# Where the bridge runs: "web" inside the (single) web process, "process" only
# in `manage.py run_bridge`. Default: web without REDIS_URL (the in-process
# channel layer reaches only its own process), process with it.
BRIDGE_MODE = env.choice("BRIDGE_MODE", ("web", "process"), "process" if REDIS_URL else "web")
if BRIDGE_MODE == "web" and WEB_PROCESSES > 1:
    raise ConfigError(
        f"BRIDGE_MODE=web runs the bridge inside the web process, but WEB_PROCESSES={WEB_PROCESSES}; "
        "use BRIDGE_MODE=process and run `python manage.py run_bridge` beside the web processes."
    )
# A printer's lease lasts this long and is renewed a third of the way; a dead
# bridge's printers move to a live one within about this time plus a renewal.
BRIDGE_LEASE_SECONDS = env.int("BRIDGE_LEASE_SECONDS", 15, minimum=3, maximum=600)
# How often a bridge re-reads the printer table (a change takes effect within this).
BRIDGE_RELOAD_MS = env.int("BRIDGE_RELOAD_MS", 2000, minimum=100, maximum=60_000)
# A push printer with no status from the bridge for this long reads as offline.
# At least 10: the bridge re-reports a quiet printer every 5 s.
STATUS_STALE_SECONDS = env.int("STATUS_STALE_SECONDS", 15, minimum=10, maximum=3600)

# Periodic tasks (beat reads this at start-up).
CELERY_BEAT_SCHEDULE = {
    "status-history-prune": {
        "task": "status.history_prune",
        "schedule": float(STATUS_HISTORY_CLEANUP_INTERVAL_SECONDS),
    },
}

# --- Limits against guessing (klipperiwc_site/guessing.py, django-axes) -------
# Failed credentials (admin passwords, every API token, STATUS_WS_TOKEN) are counted per
# client address in the cache (Redis in scaled mode: one count for every web process); the
# AUTH_FAILURE_LIMIT-th locks the address out for AUTH_LOCKOUT_SECONDS (429, close 4423).
AUTH_FAILURE_LIMIT = env.int("AUTH_FAILURE_LIMIT", 10, minimum=1)
AUTH_LOCKOUT_SECONDS = env.int("AUTH_LOCKOUT_SECONDS", 900, minimum=1, maximum=30 * 86400)
INSTALLED_APPS.append("axes")
# Last: it turns a lockout noted during the request into klipperiwc_site.guessing's 429.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# axes' backend first: it refuses a locked-out address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "klipperiwc_site.guessing.CacheHandler"  # axes' cache handler: no database writes
AXES_FAILURE_LIMIT = "klipperiwc_site.guessing.failure_limit"  # AUTH_FAILURE_LIMIT, read on each use
AXES_COOLOFF_TIME = "klipperiwc_site.guessing.lockout_time"  # AUTH_LOCKOUT_SECONDS
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "klipperiwc_site.guessing.client_address"
AXES_LOCKOUT_CALLABLE = "klipperiwc_site.guessing.lockout_response"
# Attempts while locked out neither count nor extend the lockout: Retry-After stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The cache handler keeps no rows, so axes' admin pages would always be empty.
AXES_ENABLE_ADMIN = False

# --- Passwords, i18n, time --------------------------------------------------
# --- Accounts (accounts/) ----------------------------------------------------
# Anyone may make an account at /accounts/sign-up; it can submit hardware, nothing else, until a
# moderator confirms it. Off: accounts come from an admin or an invitation link only.
SIGNUP_OPEN = env.bool("SIGNUP_OPEN", False)
# How long an invitation link an admin makes stays usable (it is used once).
INVITATION_DAYS = env.int("INVITATION_DAYS", 7, minimum=1, maximum=365)
# Messages live in the session, not in a cookie: one of them is an invitation link, shown once.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# The site's own account pages (accounts/urls.py); the admin keeps its login for staff.
LOGIN_URL = "/accounts/sign-in"
LOGIN_REDIRECT_URL = "/accounts/"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Board assets ---------------------------------------------------------------
BOARD_ASSET_MAX_BYTES = env.int("BOARD_ASSET_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
# Decoded size limit: a small file can unpack into gigabytes (decompression bomb).
BOARD_ASSET_MAX_PIXELS = env.int("BOARD_ASSET_MAX_PIXELS", 40_000_000, minimum=1)
# Files no asset row points to (a web process killed between storing an upload and committing
# its row) are removed by Celery beat once untouched for the grace (assets.files_sweep).
BOARD_ASSET_ORPHAN_GRACE_SECONDS = env.int("BOARD_ASSET_ORPHAN_GRACE_SECONDS", 3600, minimum=60)
BOARD_ASSET_SWEEP_INTERVAL_SECONDS = env.int("BOARD_ASSET_SWEEP_INTERVAL_SECONDS", 3600, minimum=60)
CELERY_BEAT_SCHEDULE["board-asset-files-sweep"] = {
    "task": "assets.files_sweep",
    "schedule": float(BOARD_ASSET_SWEEP_INTERVAL_SECONDS),
}
# Unset: the endpoints these tokens guard answer 503, they are never open.
BOARD_ASSET_UPLOAD_TOKEN = env.str("BOARD_ASSET_UPLOAD_TOKEN")
BOARD_ASSET_MODERATION_TOKEN = env.str("BOARD_ASSET_MODERATION_TOKEN")
if BOARD_ASSET_UPLOAD_TOKEN and BOARD_ASSET_UPLOAD_TOKEN == BOARD_ASSET_MODERATION_TOKEN:
    raise ConfigError(
        "BOARD_ASSET_UPLOAD_TOKEN and BOARD_ASSET_MODERATION_TOKEN are the same; "
        "use two different tokens, so an uploader cannot moderate."
    )
for _name, _token in (
    ("BOARD_ASSET_UPLOAD_TOKEN", BOARD_ASSET_UPLOAD_TOKEN),
    ("BOARD_ASSET_MODERATION_TOKEN", BOARD_ASSET_MODERATION_TOKEN),
):
    if _token and len(_token) < 16:
        raise ConfigError(f"{_name} is {len(_token)} characters long; use at least 16 random characters.")
# How long links to private or unapproved files work (signed local links, S3 presigned URLs).
BOARD_ASSET_SIGNED_URL_SECONDS = env.int("BOARD_ASSET_SIGNED_URL_SECONDS", 300, minimum=10, maximum=7 * 86400)
BOARD_ASSET_STORAGE_BACKEND = env.choice("BOARD_ASSET_STORAGE_BACKEND", ("local", "s3"), "local")
if BOARD_ASSET_STORAGE_BACKEND == "local":
    BOARD_ASSET_LOCAL_PATH = Path(env.str("BOARD_ASSET_LOCAL_PATH", "./var/board-assets"))
    if not BOARD_ASSET_LOCAL_PATH.is_absolute():
        BOARD_ASSET_LOCAL_PATH = (BASE_DIR / BOARD_ASSET_LOCAL_PATH).resolve()
    # Optional: links to approved public files start here (a web server serving
    # BOARD_ASSET_LOCAL_PATH); other files always go through the checking view.
    BOARD_ASSET_PUBLIC_URL = env.optional_url("BOARD_ASSET_LOCAL_PUBLIC_URL", schemes=("https", "http"))
    STORAGES["board_assets"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BOARD_ASSET_LOCAL_PATH), "file_permissions_mode": 0o640},
    }
else:
    BOARD_ASSET_S3_BUCKET = env.str("BOARD_ASSET_S3_BUCKET")
    if not BOARD_ASSET_S3_BUCKET:
        raise ConfigError("BOARD_ASSET_STORAGE_BACKEND=s3 needs BOARD_ASSET_S3_BUCKET (the bucket name).")
    BOARD_ASSET_S3_ENDPOINT = env.optional_url("BOARD_ASSET_S3_ENDPOINT", schemes=("https", "http"))
    BOARD_ASSET_PUBLIC_URL = env.optional_url("BOARD_ASSET_S3_PUBLIC_URL", schemes=("https", "http"))
    import botocore.config  # only here: local storage needs no boto at start-up

    STORAGES["board_assets"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BOARD_ASSET_S3_BUCKET,
            "region_name": env.str("BOARD_ASSET_S3_REGION") or None,
            "endpoint_url": BOARD_ASSET_S3_ENDPOINT or None,
            # Credentials: boto3 reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
            # (or a profile, or an instance role) itself.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": BOARD_ASSET_SIGNED_URL_SECONDS,
            "file_overwrite": False,
            # botocore waits 60 s per connection attempt and retries several
            # times: an S3 that drops packets would hold an upload or a delete
            # (and the asset row it locks) for minutes. A store that does not
            # answer within these bounds is "unavailable" (503) instead.
            "client_config": botocore.config.Config(
                connect_timeout=5,
                read_timeout=15,
                retries={"total_max_attempts": 2, "mode": "standard"},
                signature_version="s3v4",
                # S3-compatible servers (MinIO, SeaweedFS, ...) want path-style URLs.
                s3={"addressing_style": "path" if BOARD_ASSET_S3_ENDPOINT else None},
            ),
        },
    }
# Printer thumbnails live in the board assets' store (local folder or S3 bucket), under printer-thumbnails/.
STORAGES["printer_thumbnails"] = {
    "BACKEND": STORAGES["board_assets"]["BACKEND"],
    "OPTIONS": {
        **STORAGES["board_assets"]["OPTIONS"],
        **(
            {"location": str(BOARD_ASSET_LOCAL_PATH / "printer-thumbnails")}
            if BOARD_ASSET_STORAGE_BACKEND == "local"
            else {"location": "printer-thumbnails"}
        ),
    },
}
# --- Content-Security-Policy (django-csp) and Permissions-Policy ---------------------
# Board images may come from another origin: BOARD_ASSET_*_PUBLIC_URL, or S3's presigned links.
_image_origins = [BOARD_ASSET_PUBLIC_URL] if BOARD_ASSET_PUBLIC_URL else []
if BOARD_ASSET_STORAGE_BACKEND == "s3":
    _image_origins += s3_image_origins(
        endpoint=BOARD_ASSET_S3_ENDPOINT, bucket=BOARD_ASSET_S3_BUCKET, region=env.str("BOARD_ASSET_S3_REGION")
    )
CONTENT_SECURITY_POLICY = content_security_policy(image_origins=_image_origins)

# Uploads above this size stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]

# --- Metrics (GET /metrics, klipperiwc_site/metrics.py) -----------------------------
# Unset: /metrics is open, as the issue asks ("protected when set"); set: Authorization: Bearer.
METRICS_TOKEN = env.str("METRICS_TOKEN")
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ConfigError(f"METRICS_TOKEN is {len(METRICS_TOKEN)} characters long; use at least 16 random characters.")
# prometheus-client's multiprocess mode: every process of one deployment (web, bridge, Celery)
# counts into files here and a scrape sums them. The library reads the variable from the
# environment when it is imported, so it is set here, before any metric exists.
PROMETHEUS_MULTIPROC_DIR = Path(env.str("PROMETHEUS_MULTIPROC_DIR") or VAR_DIR / "metrics")
if not PROMETHEUS_MULTIPROC_DIR.is_absolute():
    PROMETHEUS_MULTIPROC_DIR = BASE_DIR / PROMETHEUS_MULTIPROC_DIR
try:
    PROMETHEUS_MULTIPROC_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ConfigError(
        f"PROMETHEUS_MULTIPROC_DIR={str(PROMETHEUS_MULTIPROC_DIR)!r} cannot be created ({exc.strerror}); "
        "use a writable folder."
    ) from None
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(PROMETHEUS_MULTIPROC_DIR)

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    # JSON only: errors are {"detail": ...} for every client, never HTML.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "klipperiwc_site.parsers.DepthLimitedJSONParser",  # json_limits: no RecursionError from deep nesting
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "klipperiwc_site.api.Pagination",
    "EXCEPTION_HANDLER": "klipperiwc_site.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KlipperIWC API",
    "DESCRIPTION": "Printer status, history, board assets and the board catalog of a KlipperIWC hub.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served by the app itself: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "HealthStateEnum": ["ok", "unavailable"],
        "JobStatusEnum": "status.models.JobStatus.choices",
        "PrinterStateEnum": "status.models.PrinterState.choices",
        "ModerationStatusEnum": "assets.models.ModerationStatus.choices",
        "VisibilityEnum": "assets.models.Visibility.choices",
    },
    # The board-asset tokens are headers the views check themselves (assets/permissions.py),
    # not DRF authentication classes: declared here so Swagger's Authorize offers them, and
    # named per operation with extend_schema(auth=...). Operations without a requirement are public.
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "uploadToken": {
                "type": "apiKey",
                "in": "header",
                "name": "X-Board-Assets-Key",
                "description": "BOARD_ASSET_UPLOAD_TOKEN: uploads and metadata changes.",
            },
            "moderatorToken": {
                "type": "apiKey",
                "in": "header",
                "name": "X-Board-Assets-Moderator",
                "description": "BOARD_ASSET_MODERATION_TOKEN: the moderation queue, decisions and deletes.",
            },
            "printerAdminToken": {
                "type": "apiKey",
                "in": "header",
                "name": "X-Printer-Admin-Key",
                "description": "PRINTER_ADMIN_TOKEN: adding, changing and deleting printers.",
            },
            "printerControlToken": {
                "type": "apiKey",
                "in": "header",
                "name": "X-Printer-Control-Key",
                "description": "PRINTER_CONTROL_TOKEN: printer actions, G-code, files and the console.",
            },
            "personalApiKey": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "kiwc_<prefix>_<secret>",
                "description": "A personal API key (made on the account page): it acts with its owner's "
                "roles, contributors for uploads, moderators for moderation, operators for printers.",
            },
        }
    },
    # Only the schemes above are documented: no operation is meant to be used with a session.
    "AUTHENTICATION_WHITELIST": [],
    # Request bodies get their own components, so an upload's file is a binary part, not a URL.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "klipperiwc_site.openapi.shared_error_responses",
    ],
}

# --- Logging ----------------------------------------------------------------
# Production writes LOG_FILE (logs/app.log; deploy.sh gives the Celery worker
# logs/celery.log), development the console. LOG_FILE=- means the console.
LOG_FILE = env.str("LOG_FILE", "-" if DEBUG else "logs/app.log")
if LOG_FILE == "-":
    _log_handler = {"class": "logging.StreamHandler", "formatter": "plain"}
else:
    _log_path = BASE_DIR / LOG_FILE
    try:
        _log_path.parent.mkdir(parents=True, exist_ok=True)
        _log_path.open("a").close()
    except OSError as exc:
        raise ConfigError(
            f"LOG_FILE={LOG_FILE!r} cannot be written ({exc.strerror}); use a writable path, or - for the console."
        ) from None
    # Watched: reopens the file after logrotate moves it.
    _log_handler = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": str(_log_path),
        "formatter": "plain",
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "klipperiwc_site.log_format.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s",
        }
    },
    "handlers": {"main": _log_handler},
    "root": {"handlers": ["main"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"level": LOG_LEVEL, "propagate": True},
        # Query logging at DEBUG would write every SQL statement.
        "django.db.backends": {"level": "INFO"},
        # axes announces its version at every start-up (each manage.py command); its lockouts still log.
        "axes.apps": {"level": "WARNING"},
    },
}
