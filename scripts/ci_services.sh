# shellcheck shell=bash
# What the tests need beyond pip, for scripts/test.sh (which sources this file) and CI (.ci/run):
#
#  1. Debian packages, installed with apt-get only when missing:
#       chromium    the browser tests (tests/e2e) drive it through Playwright, no browser download;
#       tesseract-ocr, tesseract-ocr-vie
#                   the chart pictures' test reads their text back (Vietnamese included);
#       postgresql  when a PostgreSQL is wanted (below);
#       nginx       tests/test_deploy_proxy.py runs deploy/nginx.conf in an instance of its own (loopback).
#       libnginx-mod-http-brotli-filter   nginx's brotli, which deploy/nginx.conf uses where it is loaded.
#  2. In CI (CI=true) or when asked (GIAMNGHEO_PG=1): a throwaway PostgreSQL cluster in a temporary
#     directory, on a free port of 127.0.0.1 only, trust authentication, fsync off (nothing in it
#     outlives the run). It exports
#         GIAMNGHEO_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/giamngheo_test
#     for the store's tests (tests/store/test_store.py skips PostgreSQL without it), and is stopped and
#     removed when the sourcing shell exits.
#
# Nothing happens when GIAMNGHEO_SERVICES=0; a GIAMNGHEO_TEST_PG_URL already set is used as it is.
# Without apt-get or root (or password-less sudo) it says what is missing and goes on: the browser
# tests then skip (they fail in CI), the PostgreSQL store tests skip.
#
#   source scripts/ci_services.sh          # from bash; then run the tests in the same shell

_gn_say() { printf 'ci_services: %s\n' "$*" >&2; }

_gn_truthy() { case "${1:-}" in 1|true|TRUE|True|yes) return 0 ;; *) return 1 ;; esac; }

_gn_pg_bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    d=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    return 1
}

# apt-get install PACKAGE... (only called with packages found missing)
_gn_apt_install() {
    local sudo=""
    if ! command -v apt-get >/dev/null 2>&1; then
        _gn_say "missing: $* (no apt-get here: install them by hand)"; return 1
    fi
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"
        else _gn_say "missing: $* (run as root: apt-get install -y $*)"; return 1; fi
    fi
    _gn_say "installing $* (apt-get)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# run a PostgreSQL program as the cluster's owner (initdb and postgres refuse to run as root)
_gn_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null 2>&1; then (cd / && runuser -u postgres -- "$@")
        else (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")"); fi
    else
        "$@"
    fi
}

gn_services_stop() {
    if [ -n "${GN_PG_DIR:-}" ] && [ -d "$GN_PG_DIR" ]; then
        _gn_as_owner "$GN_PG_BIN/pg_ctl" -D "$GN_PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
        rm -rf "$GN_PG_DIR"
        _gn_say "PostgreSQL on port ${GN_PG_PORT:-?} stopped and removed"
    fi
    GN_PG_DIR=""
}

gn_start_postgres() {
    GN_PG_BIN=$(_gn_pg_bindir) || { _gn_say "no PostgreSQL binaries: the store's PostgreSQL tests will skip"; return 1; }
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        _gn_say "no 'postgres' user to run the cluster as: the store's PostgreSQL tests will skip"; return 1
    fi
    GN_PG_PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    GN_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/giamngheo-pg.XXXXXX")
    chmod 700 "$GN_PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$GN_PG_DIR"
    trap gn_services_stop EXIT
    if ! _gn_as_owner "$GN_PG_BIN/initdb" -D "$GN_PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale \
            >"$GN_PG_DIR/initdb.log" 2>&1; then
        _gn_say "initdb failed:"; tail -n 20 "$GN_PG_DIR/initdb.log" >&2; gn_services_stop; return 1
    fi
    if ! _gn_as_owner "$GN_PG_BIN/pg_ctl" -D "$GN_PG_DIR/data" -l "$GN_PG_DIR/server.log" -w -t 60 \
            -o "-p $GN_PG_PORT -k $GN_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null; then
        _gn_say "PostgreSQL did not start:"; tail -n 20 "$GN_PG_DIR/server.log" >&2; gn_services_stop; return 1
    fi
    "$GN_PG_BIN/createdb" -h 127.0.0.1 -p "$GN_PG_PORT" -U postgres giamngheo_test ||
        { gn_services_stop; return 1; }
    export GIAMNGHEO_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$GN_PG_PORT/giamngheo_test"
    _gn_say "PostgreSQL $("$GN_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$GN_PG_PORT (GIAMNGHEO_TEST_PG_URL)"
}

gn_services() {
    local want_pg=0 missing=()
    _gn_truthy "${GIAMNGHEO_SERVICES:-1}" || return 0
    if [ -z "${GIAMNGHEO_TEST_PG_URL:-}" ] && { _gn_truthy "${CI:-}" || _gn_truthy "${GIAMNGHEO_PG:-}"; }; then
        want_pg=1
    fi
    [ -x "${GIAMNGHEO_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
    command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
    tesseract --list-langs 2>/dev/null | grep -qx vie || missing+=(tesseract-ocr-vie)
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    # nginx's brotli filter: deploy/nginx.conf uses it where it is loaded (tests/test_deploy_proxy.py checks it)
    ls /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so >/dev/null 2>&1 ||
        missing+=(libnginx-mod-http-brotli-filter)
    if [ "$want_pg" = 1 ] && ! _gn_pg_bindir >/dev/null; then missing+=(postgresql); fi
    if [ "${#missing[@]}" -gt 0 ]; then _gn_apt_install "${missing[@]}" || true; fi
    if [ "$want_pg" = 1 ]; then gn_start_postgres || true; fi
    return 0
}

gn_services
