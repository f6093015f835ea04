"""Clearloop settings: one module, driven by environment variables.

Development defaults need nothing set: SQLite under var/, mail to the console, DEBUG on.
Production sets CLEARLOOP_ENV=production, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL;
see README.md, "Configuration".
"""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CLEARLOOP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("CLEARLOOP_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
TESTING = env_bool("CLEARLOOP_TESTING", default="pytest" in sys.modules)

if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]  # a production deployment must set its own
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-" + "x" * 32)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "clearloop.core",
    "clearloop.accounts",
    "clearloop.worker",
    "clearloop.customers",
    "clearloop.surveys",
    "clearloop.feedback",
    "clearloop.imports",
    "clearloop.intake",
    "clearloop.cases",
    "clearloop.webhooks",
    "clearloop.analytics",
    "clearloop.boards",
    "clearloop.goals",
    "clearloop.alerts",
    "clearloop.reports",
    "clearloop.textanalysis",
    "clearloop.web",
    "clearloop.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "clearloop.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "clearloop.accounts.middleware.CurrentOrganizationMiddleware",
    "clearloop.accounts.middleware.UserPreferencesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "clearloop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clearloop.accounts.context_processors.organization",
                "clearloop.web.navigation.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
# SQLite by default (WAL mode, so the web server and the worker can share it);
# DATABASE_URL=postgres://... switches to PostgreSQL with persistent connections.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'clearloop.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Login throttling: 5 failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Languages and time ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("ja", "日本語")]
LOCALE_PATHS = [Path(os.environ.get("CLEARLOOP_LOCALE_DIR", BASE_DIR / "clearloop" / "locale"))]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_NAME = "clearloop_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Email -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Clearloop <noreply@clearloop.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks ------------------------------------------------------------------
# The database backend needs no extra server; see docs/decisions/0003-background-tasks.md.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}

CLEARLOOP_WORKER_LEASE_SECONDS = int(os.environ.get("CLEARLOOP_WORKER_LEASE_SECONDS", "60"))
CLEARLOOP_WORKER_HEARTBEAT_SECONDS = float(
    os.environ.get("CLEARLOOP_WORKER_HEARTBEAT_SECONDS", "5")
)
CLEARLOOP_WORKER_MAX_LOST_RUNS = int(os.environ.get("CLEARLOOP_WORKER_MAX_LOST_RUNS", "5"))
CLEARLOOP_TASK_RESULT_RETENTION_DAYS = int(
    os.environ.get("CLEARLOOP_TASK_RESULT_RETENTION_DAYS", "14")
)

# --- Text analysis ---------------------------------------------------------------------
# The sentiment provider (clearloop.textanalysis.engine): "builtin" runs offline; "openai"
# calls a self-hosted model behind an OpenAI-compatible API, configured from the env.
CLEARLOOP_TEXT_PROVIDER = os.environ.get("CLEARLOOP_TEXT_PROVIDER", "builtin")
# One BLAS thread per process: we scale with processes (web, workers), and BLAS threads
# fighting over the same cores made topic discovery 5x slower on a 2-core machine.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
CLEARLOOP_TEXT_PROVIDER_OPTIONS = {
    key: value
    for key, value in {
        "base_url": os.environ.get("CLEARLOOP_TEXT_OPENAI_BASE_URL", ""),
        "model": os.environ.get("CLEARLOOP_TEXT_OPENAI_MODEL", ""),
        "api_key": os.environ.get("CLEARLOOP_TEXT_OPENAI_API_KEY", ""),
    }.items()
    if value
}

# --- REST API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["clearloop.accounts.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["clearloop.accounts.permissions.IsOrganizationMember"],
    "DEFAULT_PAGINATION_CLASS": "clearloop.core.api.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "clearloop.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"api_token": "1200/minute"},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clearloop API",
    "DESCRIPTION": (
        "Customer satisfaction management. Authenticate with `Authorization: Bearer <token>`; "
        "a token belongs to one organization. Errors use RFC 9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; name each enum after its model so they do not clash.
    "ENUM_NAME_OVERRIDES": {
        "SurveyStatusEnum": "clearloop.surveys.models.SurveyStatus",
        "ResponseExportStatusEnum": "clearloop.surveys.models.ExportStatus",
        "InvitationStatusEnum": "clearloop.surveys.models.InvitationStatus",
        "CaseStatusEnum": "clearloop.cases.models.CaseStatus",
        "CaseLevelEnum": "clearloop.cases.models.Level",
        "AlertRuleKindEnum": "clearloop.alerts.models.RuleKind",
        "DashboardTileKindEnum": "clearloop.boards.models.TileKind",
        "ReportFormatEnum": "clearloop.reports.models.ReportFormat",
        "FormatEnum": "clearloop.surveys.models.ExportFormat",
        "DefaultLanguageEnum": "clearloop.accounts.models.Language",
        "ReportFrequencyEnum": "clearloop.reports.models.ReportFrequency",
    },
}

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

CLEARLOOP_DEMO_PASSWORD = os.environ.get("CLEARLOOP_DEMO_PASSWORD", "clearloop-demo")
