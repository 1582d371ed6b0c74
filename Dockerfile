# syntax=docker/dockerfile:1.7
# journeybot: build a virtualenv in one stage, run it as a non-root user in another.
#
#   docker build -t journeybot .
#   docker run --rm -v journeybot-data:/data \
#     -e SLACK_BOT_TOKEN=xoxb-... -e SLACK_APP_TOKEN=xapp-... journeybot
#
# With PostgreSQL, set DATABASE_URL and run `journeybot migrate` (CMD ["migrate"]) as a
# release step before starting the bot; the SQLite default migrates itself on start.
# Dependencies come from requirements.lock with their hashes (`make lock` writes it), and
# journeybot itself is installed without resolving anything, so a rebuild is reproducible.

FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

WORKDIR /src
COPY requirements.lock ./
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY bot/ ./bot/
COPY handlers/ ./handlers/
COPY storage/ ./storage/

RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --no-deps .


FROM python:3.11-slim AS runtime

RUN groupadd --system --gid 10001 journeybot \
    && useradd --system --uid 10001 --gid journeybot --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin journeybot \
    && mkdir -p /data \
    && chown journeybot:journeybot /data

COPY --from=builder /opt/venv /opt/venv

ENV PATH="/opt/venv/bin:$PATH" \
    DATABASE_URL=sqlite:////data/journeybot.db \
    PORT=3000 \
    PYTHONUNBUFFERED=1

WORKDIR /data
USER journeybot
EXPOSE 3000

# /readyz answers 200 once the database answers and is migrated, in both Slack modes
# (/healthz, liveness only, is for orchestrators that restart on failure: see deploy/).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '3000'), timeout=4).status == 200 else 1)"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["journeybot"]
CMD ["run"]
