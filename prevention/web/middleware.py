"""What the app's server adds to Streamlit's (issue 17): its frontend files sent compressed,
and the caches warmed when a process starts.

Streamlit serves its frontend bundle (about 130 files, 9.8 MB on a first visit) from
/static/ uncompressed, content-hashed and "immutable, max-age=1 year". `CompressedStatic`
gzips each of those files once per process, keeps the compressed bytes in memory (bounded),
and serves them to every browser that accepts gzip: a first visit then downloads about a
quarter of the bytes, and the compression costs once, not per request. Other paths (the
websocket, /media downloads, the session routes) pass through untouched.
"""

from __future__ import annotations

import gzip
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

log = logging.getLogger(__name__)

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/wasm", "font/ttf", "application/x-font-ttf")
MIN_SIZE = 1024
CACHE_BYTES = 64 * 1024 * 1024


class CompressedStatic:
    """ASGI middleware: gzip responses under `prefix`, compressed once and kept in memory."""

    def __init__(self, app, prefix: str = "/static/", level: int = 6,
                 max_bytes: int = CACHE_BYTES):
        self.app = app
        self.prefix = prefix
        self.level = level
        self.max_bytes = max_bytes
        self._cache: dict[str, tuple[int, list, bytes]] = {}
        self._size = 0
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") \
                or not _path(scope).startswith(self.prefix) or not _accepts_gzip(scope):
            await self.app(scope, receive, send)
            return
        path = _path(scope)
        hit = self._cache.get(path)
        if hit is None:
            hit = await self._fill(path, scope, receive, send)
            if hit is None:
                return  # sent as it came (not compressible, not 200, or too small)
        status, headers, body = hit
        etag = _header(headers, b"etag")
        if etag is not None and _request_header(scope, b"if-none-match") == etag:
            await send({"type": "http.response.start", "status": 304,
                        "headers": [h for h in headers if h[0] in (b"etag", b"cache-control", b"vary")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else body})

    async def _fill(self, path: str, scope, receive, send):
        """Run the app, capture its response; store and return it gzipped when it is worth it,
        else send it unchanged and return None."""
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        # The captured request is a GET: a HEAD would come back without its body.
        await self.app(dict(scope, method="GET"), receive, capture)
        body = b"".join(chunks)
        headers = [(k.lower(), v) for k, v in start.get("headers", [])]
        ctype = (_header(headers, b"content-type") or b"").decode("latin-1")
        status = start.get("status", 500)
        if status != 200 or _header(headers, b"content-encoding") is not None \
                or len(body) < MIN_SIZE or not ctype.startswith(COMPRESSIBLE):
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body",
                        "body": b"" if scope["method"] == "HEAD" else body})
            return None
        packed = await anyio.to_thread.run_sync(lambda: gzip.compress(body, self.level, mtime=0))
        headers = [h for h in headers if h[0] not in (b"content-length", b"vary")]
        headers += [(b"content-encoding", b"gzip"), (b"content-length", str(len(packed)).encode()),
                    (b"vary", b"Accept-Encoding")]
        hit = (status, headers, packed)
        with self._lock:
            if path not in self._cache and self._size + len(packed) <= self.max_bytes:
                self._cache[path] = hit
                self._size += len(packed)
        return hit


def _path(scope) -> str:
    from prevention.web.routes import base_path

    path = scope.get("path", "")
    base = base_path()
    return path[len(base):] if base and path.startswith(base) else path


def _header(headers, name: bytes) -> bytes | None:
    return next((v for k, v in headers if k == name), None)


def _request_header(scope, name: bytes) -> bytes | None:
    return next((v for k, v in scope.get("headers", []) if k.lower() == name), None)


def _accepts_gzip(scope) -> bool:
    return b"gzip" in (_request_header(scope, b"accept-encoding") or b"")


@asynccontextmanager
async def lifespan(_app) -> AsyncIterator[None]:
    """Warm the shared caches in the background as the server starts: the first visitor finds
    today's Overview and the Country pages' evaluation ready, or joins the build under way
    (cached.shared builds an entry once, however many sessions ask). The server answers at
    once: waiting for the warm-up before the health check (tried) made the first Overview come
    later, 5.1 s after the process started instead of 4.6 s, because the browser boots
    Streamlit's frontend meanwhile (benchmarks/README.md, "Many viewers at once")."""
    threading.Thread(target=_warm, name="prevention-warm-up", daemon=True).start()
    yield


def _warm() -> None:
    try:
        from prevention.web import cached

        cached.warm()
    except Exception:  # a warm-up is an optimisation: a failure is logged, the app serves on
        log.exception("cache warm-up failed")
