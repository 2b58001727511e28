# copbot in HTTP mode (copbot serve) behind your load balancer. Build: docker build -t copbot .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system copbot && useradd --system --gid copbot --home-dir /app --shell /usr/sbin/nologin copbot

WORKDIR /app
# The editable install keeps migrations/ and manifest.yml next to the package, where copbot finds them.
COPY pyproject.toml README.md alembic.ini manifest.yml ./
COPY copbot ./copbot
COPY migrations ./migrations
RUN pip install -e '.[postgres]' && chown -R copbot:copbot /app

USER copbot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"

# Run `copbot db upgrade` once per release (e.g. as a one-off task) before starting the replicas.
CMD ["copbot", "serve", "--host", "0.0.0.0", "--port", "3000"]
