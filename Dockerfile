# One image for web, worker and beat (docker-compose.yml picks the command).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=collections_crm.settings.production
WORKDIR /app
RUN useradd --create-home --uid 1000 crm
COPY pyproject.toml requirements.lock ./
COPY . .
RUN pip install --no-cache-dir --disable-pip-version-check -c requirements.lock -e . \
    && mkdir -p /app/staticfiles /app/data && chown crm:crm /app/staticfiles /app/data
COPY --from=assets /app/node_modules ./node_modules
USER crm
EXPOSE 8000
CMD ["gunicorn", "collections_crm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
