# syntax=docker/dockerfile:1
# copbot's image: `copbot serve` by default; `copbot worker` and `copbot db upgrade` with another command.
# Build: docker build -t copbot .   (compose.yaml builds and runs the whole set: PostgreSQL, a worker, 2 web)
#
# Three stages, so that a change to copbot's code rebuilds only the small last layers:
#   deps   - the locked dependencies (requirements.lock, hashes checked) in a virtualenv; cached until the lock changes
#   wheel  - copbot built as a wheel (migrations included)
#   final  - the virtualenv, copbot's wheel installed into it, owned by root; run as the unprivileged user copbot
# The base image is pinned to an exact Python and Debian release; pin its digest too (@sha256:…) where your
# registry policy asks for it.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/copbot \
    PATH=/opt/copbot/bin:$PATH

FROM base AS deps
RUN python -m venv /opt/copbot
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes --no-deps -r /tmp/requirements.lock

FROM base AS wheel
WORKDIR /src
COPY pyproject.toml setup.py README.md LICENSE ./
COPY copbot ./copbot
COPY migrations ./migrations
RUN pip wheel --no-deps --wheel-dir /dist .

FROM base AS final
RUN groupadd --system copbot \
    && useradd --system --gid copbot --home-dir /home/copbot --create-home --shell /usr/sbin/nologin copbot
COPY --from=deps /opt/copbot /opt/copbot
# Installed as root and left owned by root: the user copbot can read and run the code, never rewrite it.
# The wheel is mounted for this step only, so no layer keeps a copy of it.
RUN --mount=type=bind,from=wheel,source=/dist,target=/tmp/dist pip install --no-deps /tmp/dist/*.whl

USER copbot
WORKDIR /home/copbot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]

# Run `copbot db upgrade` once per release (compose.yaml's `migrate` service) before starting the replicas.
CMD ["copbot", "serve", "--host", "0.0.0.0", "--port", "3000"]
