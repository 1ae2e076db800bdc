# giamngheo: the Streamlit app, one process per container (see README, "Deploy").
#
#   docker build -t giamngheo .
#   docker run --rm -p 8501:8501 -v giamngheo-data:/data giamngheo
#
# The store is SQLite under /data unless GIAMNGHEO_DB_URL (or secrets [store] url) names a server
# database; deploy/compose.yaml runs several replicas on one PostgreSQL behind nginx.
FROM python:3.11-slim

# Production-only server settings (the rest are in .streamlit/config.toml): no file watcher (a
# deployment never reruns a session because a file changed) and no usage statistics.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GIAMNGHEO_DATA_DIR=/data \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

# No system font needed: the chart pictures (PNG, Word report) are drawn with the font the project
# ships (giamngheo/assets/fonts, Vietnamese diacritics included).

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. psycopg is the PostgreSQL
# driver for a server store (GIAMNGHEO_DB_URL=postgresql+psycopg://...); drop it with
# --build-arg EXTRA_PIP= for a SQLite-only image.
ARG EXTRA_PIP="psycopg[binary]>=3.2"
COPY requirements.txt ./
RUN pip install -r requirements.txt ${EXTRA_PIP}

# A non-root user; the code stays owned by root (read-only to the app), only /data is writable.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home --shell /usr/sbin/nologin app \
 && mkdir -p /data \
 && chown app:app /data
COPY . .
USER app
VOLUME ["/data"]

EXPOSE 8501
# Streamlit answers "ok" on /_stcore/health once it serves; python, since the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read().strip() == b'ok' else 1)"]

# The first visitor after a start must not pay for the process's start-up (imports, data, the core's
# caches, the chart templates: seconds): scripts/warm_up.py runs the overview once as soon as the server
# answers, beside it (compose.yaml runs the replicas with an init process, which reaps it).
CMD ["sh", "-c", "python scripts/warm_up.py --url http://127.0.0.1:8501 & exec streamlit run app.py --server.address 0.0.0.0 --server.port 8501"]
