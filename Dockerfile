# One image for both services; SERVICE and PORT pick the service (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies in their own layer: rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# The admin's static files, served by whitenoise. The key only satisfies settings at build time.
RUN DJANGO_SECRET_KEY=build-time-only python manage.py collectstatic --noinput -v0 \
    && groupadd --gid 10001 thinker \
    && useradd --uid 10001 --gid thinker --no-create-home --no-log-init --shell /usr/sbin/nologin thinker

# The code stays owned by root: the service user can read it, not change it.
USER 10001
EXPOSE 5000 5001
# core.tracing.launch: ddtrace-run, or the OpenTelemetry SDK for a service with TRACER=otel (core/tracing/launch.py).
CMD ["python", "-m", "core.tracing.launch", "gunicorn", "-c", "gunicorn.conf.py", "thinkproject.wsgi:application"]
