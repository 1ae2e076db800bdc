"""deploy/nginx.conf in a real nginx (Debian's), in front of a stand-in upstream: what leaves the proxy.

The upstream is a small HTTP server that answers like Streamlit (an uncompressed hashed bundle with
Streamlit's immutable Cache-Control, the page with no-cache) and counts the requests it gets. nginx runs
the repository's configuration with only the local adaptations of scripts/load_test.py (upstream ports,
loopback listen, files in a temporary directory). Skipped without nginx outside CI; scripts/ci_services.sh
installs it in CI.
"""
from __future__ import annotations

import gzip
import http.client
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import load_test  # noqa: E402, I001

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# a bundle the size of a small Streamlit chunk, text that compresses as JavaScript does
BUNDLE = b"".join(b"export function f%d(a,b){return a.map(x=>x*%d+b)}\n" % (i, i) for i in range(4000))
PAGE = (b"<!doctype html><html><head><title>t</title></head><body>" + b"<p>x</p>" * 300
        + b'<div id="root"></div></body></html>')
BROTLI = load_test.nginx_brotli_module() is not None


class Upstream(http.server.BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    encodings: list[tuple[str, str]] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        Upstream.hits[self.path] = Upstream.hits.get(self.path, 0) + 1
        Upstream.encodings.append((self.path, self.headers.get("Accept-Encoding", "")))
        if self.path.startswith("/static/js/index.abc123.js"):
            body, ctype, cache = BUNDLE, "application/javascript", "public, immutable, max-age=31536000"
        elif self.path.startswith("/static/media/"):
            body, ctype, cache = b"wOF2" + b"upstream font" * 100, "font/woff2", "public, immutable, max-age=31536000"
        elif self.path in ("/", "/giam-ngheo"):
            if self.headers.get("If-None-Match") == '"page"':     # a revalidation: 304, no Content-Type
                self.send_response(304)
                self.send_header("ETag", '"page"')
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                return
            body, ctype, cache = PAGE, "text/html; charset=utf-8", "no-cache"
        elif self.path == "/_stcore/host-config":
            body, ctype, cache = b'{"allowedOrigins": []}', "application/json", "no-cache"
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    if not shutil.which("nginx"):
        if IN_CI:
            pytest.fail("nginx missing in CI (scripts/ci_services.sh installs it)")
        pytest.skip("nginx is not installed")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    tmp = tmp_path_factory.mktemp("nginx")
    ng, base = load_test.start_nginx(tmp, [f"http://127.0.0.1:{srv.server_address[1]}"])
    try:
        yield int(base.rsplit(":", 1)[1])
    finally:
        ng.terminate()
        ng.wait(10)
        srv.shutdown()


def get(port: int, path: str, **headers) -> tuple[int, dict, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def test_bundle_is_compressed_at_the_highest_level_for_a_browser_that_asks_and_plain_otherwise(proxy):
    # gzip only: level 9 (made once and kept), not the level 5 of the responses made per request
    st, h, body = get(proxy, "/static/js/index.abc123.js", Accept_Encoding="gzip, deflate")
    assert st == 200 and h.get("content-encoding") == "gzip"
    assert gzip.decompress(body) == BUNDLE                      # the same bytes, compressed
    assert len(body) <= len(gzip.compress(BUNDLE, 9)) + 16 < len(gzip.compress(BUNDLE, 5))
    assert "Accept-Encoding" in h.get("vary", "")
    st, h, body = get(proxy, "/static/js/index.abc123.js")
    assert st == 200 and "content-encoding" not in h and body == BUNDLE


@pytest.mark.skipif(not BROTLI and not IN_CI, reason="nginx's brotli module is not installed")
def test_bundle_is_brotli_for_a_browser_that_takes_it_where_nginx_has_the_module(proxy):
    import brotli
    st, h, body = get(proxy, "/static/js/index.abc123.js", Accept_Encoding="gzip, deflate, br, zstd")
    assert st == 200 and h.get("content-encoding") == "br"
    assert brotli.decompress(body) == BUNDLE
    assert len(body) < len(gzip.compress(BUNDLE, 9))
    assert h.get("cache-control") == "public, immutable, max-age=31536000"
    # a browser that takes brotli alone (no gzip) gets the plain file, never a form it did not ask for
    st, h, body = get(proxy, "/static/js/index.abc123.js", Accept_Encoding="br")
    assert st == 200 and "content-encoding" not in h and body == BUNDLE


def test_streamlit_immutable_caching_is_kept_and_nginx_caches_the_file(proxy):
    for q in ("", "", "?v=2"):                                    # the cache key is the path (hashed names)
        for enc in ("gzip", "gzip, br", ""):
            st, h, _ = get(proxy, "/static/js/index.abc123.js" + q, Accept_Encoding=enc)
            assert st == 200 and h.get("cache-control") == "public, immutable, max-age=31536000"
    # one request reached the upstream, whichever test asked first and in whatever forms; the rest came
    # from nginx's caches (the plain file and each compressed form)
    assert Upstream.hits.get("/static/js/index.abc123.js") == 1
    assert "/static/js/index.abc123.js?v=2" not in Upstream.hits
    # the upstream is asked for the plain file (cached plain, compressed by nginx)
    static = [e for path, e in Upstream.encodings if path.startswith("/static/")]
    assert static and all(e == "" for e in static)


def test_the_page_is_gzipped_never_cached_by_nginx_reused_briefly_by_the_browser(proxy):
    n0 = Upstream.hits.get("/", 0)
    st, h, body = get(proxy, "/", Accept_Encoding="gzip")
    assert st == 200 and h.get("content-encoding") == "gzip" and gzip.decompress(body) == PAGE
    # the replica's "no-cache" replaced: the browser may reuse the page for 10 minutes
    assert h.get("cache-control") == "private, max-age=600"
    assert h.get("set-cookie", "").startswith("gn_route=")
    get(proxy, "/", Accept_Encoding="gzip")
    assert Upstream.hits["/"] - n0 == 2                          # the page always comes from the app
    # a revalidation's 304 keeps that header (else the browser would store the replica's "no-cache")
    st, h, _ = get(proxy, "/giam-ngheo", If_None_Match='"page"')
    assert st == 304 and h.get("cache-control") == "private, max-age=600"
    # anything else keeps the replica's own header
    st, h, _ = get(proxy, "/_stcore/host-config")
    assert st == 200 and h.get("cache-control") == "no-cache"


def test_a_missing_static_file_is_not_cached(proxy):
    n0 = Upstream.hits.get("/static/js/nope.js", 0)
    for _ in range(2):
        assert get(proxy, "/static/js/nope.js")[0] == 404
    assert Upstream.hits["/static/js/nope.js"] - n0 == 2


def test_the_icon_font_is_served_by_nginx_from_deploy_www_and_other_fonts_from_the_app(proxy):
    """deploy/www/ holds a smaller copy of Streamlit's icon font under Streamlit's own file name: nginx
    answers it itself (the app is never asked), with a day's caching (the copy may change under the
    same name); a file deploy/www/ lacks still comes from the app, cached as before."""
    own = sorted((ROOT / "deploy" / "www" / "static" / "media").glob("MaterialSymbols-Rounded.*.woff2"))
    assert len(own) == 1
    path = f"/static/media/{own[0].name}"
    st, h, body = get(proxy, path, Accept_Encoding="gzip, br")
    assert st == 200 and body == own[0].read_bytes()
    assert h.get("content-type") == "font/woff2" and "content-encoding" not in h   # woff2 is compressed already
    assert h.get("cache-control") == "public, max-age=86400" and h.get("etag")
    assert path not in Upstream.hits
    # a conditional request (the browser after a day) is answered 304 without a body
    st, _, body = get(proxy, path, If_None_Match=h["etag"])
    assert st == 304 and body == b""
    # Source Sans (not in deploy/www): from the app, Streamlit's immutable caching kept
    st, h, body = get(proxy, "/static/media/SourceSansVF-Upright.ttf.abc.woff2")
    assert st == 200 and body.startswith(b"wOF2") and h.get("cache-control") == "public, immutable, max-age=31536000"
    assert Upstream.hits["/static/media/SourceSansVF-Upright.ttf.abc.woff2"] == 1


def test_the_shipped_configuration_is_valid_as_it_is(tmp_path):
    """deploy/nginx.conf as compose mounts it (its includes, its compressor's socket, brotli when this nginx
    has the module), changed only where this machine is not the compose network: the replicas' host names
    and the /tmp paths."""
    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed")
    import re
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    conf = re.sub(r"server app\d+:8501", "server 127.0.0.1:9", conf).replace("/tmp/nginx", f"{tmp_path}/nginx")
    (tmp_path / "nginx.conf").write_text(conf, encoding="utf-8")
    # nginx's own prefix (not a temporary one): Debian's module line names its module relative to it
    r = subprocess.run(["nginx", "-t", "-e", "stderr", "-c", str(tmp_path / "nginx.conf")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
