"""The one HTTP client every connector uses: polite to providers, honest about failures.

Polite: a User-Agent that names the product and a contact, a minimum delay between two requests
to the same host (robots.txt crawl delays, providers' rate limits), conditional requests (the
caller passes the ETag / Last-Modified it kept; a 304 comes back as a `Response` whose
`not_modified` is true and whose body is empty), and waits that honour Retry-After.

Honest: every response comes back with what provenance needs (final URL, UTC time, status, the
headers of interest, the body bytes and their SHA-256); failures are exceptions whose message
names the host, what went wrong and what to do, in one line.

Retries (tenacity): 429 and 503 wait for Retry-After (seconds or an HTTP date) when the server
sends one, else back off exponentially like 500, 502, 504, time-outs and broken connections.
Attempts are bounded. A connection that cannot be opened at all is tried twice only: a machine
without network should hear so in seconds, not after a minute of back-off. A Retry-After longer
than `max_retry_after` is not waited for (a spent daily quota would block a job for hours): it
raises `RateLimited` with the time to come back.

The clock is injectable (now, monotonic, sleep), so tests of back-off, Retry-After and crawl
delays take no real time.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import httpx
import tenacity

RETRY_AFTER_STATUSES = frozenset({429, 503})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Headers kept with each response: what conditional requests, rate limits and provenance use.
KEPT_HEADERS = ("content-type", "content-length", "etag", "last-modified", "date",
                "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining")
CONNECT_ATTEMPTS = 2

_HINTS = {
    400: "the provider rejected the query; its message above says which parameter",
    401: "the provider wants credentials; check the source's settings",
    403: "the provider refused access; check the credentials or appname setting "
         "(ReliefWeb: PREVENTION_RELIEFWEB_APPNAME must be an approved appname)",
    404: "nothing at this address; check the base-URL setting and the path",
    410: "the endpoint has been retired; the connector needs the provider's current version",
}


class Clock(Protocol):
    def now(self) -> datetime: ...
    def monotonic(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class SourceError(Exception):
    """A fetch that failed; the message names the host and what to do."""

    def __init__(self, host: str, message: str):
        super().__init__(message)
        self.host = host


class SourceUnreachable(SourceError):
    """The host could not be reached or kept failing (network, DNS, time-outs, 5xx)."""


class HostUnreachable(SourceUnreachable):
    """No connection could be opened at all (no network, DNS, proxy, a wrong address): the CLI
    exits 3 for this one, a machine problem rather than the provider's."""


class SourceRefused(SourceError):
    """The host answered with an error that retrying will not fix (4xx other than 429)."""

    def __init__(self, host: str, message: str, status: int):
        super().__init__(host, message)
        self.status = status


class RateLimited(SourceError):
    """The host asked us to wait longer than this client is allowed to wait."""

    def __init__(self, host: str, message: str, retry_at: datetime | None):
        super().__init__(host, message)
        self.retry_at = retry_at


class ResponseTooLarge(SourceError):
    pass


@dataclass(frozen=True, eq=False)
class Request:
    """One GET (or POST with a JSON body) to send; connectors build these, pure data."""

    url: str
    params: tuple[tuple[str, str], ...] = ()
    method: str = "GET"
    json: Any = None
    etag: str = ""           # from the last response: sent as If-None-Match
    last_modified: str = ""  # sent as If-Modified-Since
    accept: str = ""
    # Connector state carried to the pager (e.g. the offset of this page); never sent.
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def full_url(self) -> str:
        if not self.params:
            return self.url
        return f"{self.url}{'&' if '?' in self.url else '?'}{urlencode(self.params)}"


@dataclass(frozen=True, eq=False)
class Response:
    """One response as provenance keeps it. `url` is the final URL (after redirects)."""

    request: Request
    url: str
    fetched_at: datetime
    status: int
    headers: Mapping[str, str]
    body: bytes
    sha256: str
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    def archive_bytes(self) -> bytes:
        """The body gzip-compressed with a fixed mtime, so equal bodies archive equal."""
        return gzip.compress(self.body, mtime=0)

    @classmethod
    def from_file(cls, path, url: str = "", fetched_at: datetime | None = None) -> Response:
        """A saved response (or any file) read as if fetched: parsers take one type."""
        body = Path(path).read_bytes()
        return cls(request=Request(url or Path(path).resolve().as_uri()),
                   url=url or Path(path).resolve().as_uri(),
                   fetched_at=fetched_at or datetime.fromtimestamp(Path(path).stat().st_mtime,
                                                                   timezone.utc),
                   status=200, headers={}, body=body, sha256=hashlib.sha256(body).hexdigest())


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None,
                 connect: bool = False):
        super().__init__(reason)
        self.reason, self.status, self.retry_after, self.connect = (reason, status, retry_after,
                                                                    connect)


def parse_retry_after(value: str, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


class HttpClient:
    """Fetch `Request`s politely. One instance per run; it remembers when each host was last
    asked, so the crawl delay holds across connectors sharing a host."""

    def __init__(self, user_agent: str, *, timeout: float = 30.0, attempts: int = 4,
                 backoff: float = 2.0, max_backoff: float = 60.0, max_retry_after: float = 300.0,
                 min_delay: float = 1.0, host_delays: Mapping[str, float] | None = None,
                 max_bytes: int = 256 * 1024 * 1024, clock: Clock | None = None,
                 transport: httpx.BaseTransport | None = None,
                 settings_for_host: Mapping[str, str] | None = None):
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.user_agent = user_agent
        self.attempts, self.backoff, self.max_backoff = attempts, backoff, max_backoff
        self.max_retry_after, self.min_delay = max_retry_after, min_delay
        self.host_delays = dict(host_delays or {})
        self.max_bytes = max_bytes
        self.clock = clock or SystemClock()
        # Which setting holds each host's base URL, to name it in error messages.
        self.settings_for_host = dict(settings_for_host or {})
        self._last: dict[str, float] = {}
        self._client = httpx.Client(timeout=timeout, follow_redirects=True, transport=transport,
                                    headers={"User-Agent": user_agent})
        self.timeout = timeout

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def delay_for(self, host: str) -> float:
        return self.host_delays.get(host, self.min_delay)

    def fetch(self, request: Request) -> Response:
        host = request.host
        attempts = 0

        def once() -> Response:
            nonlocal attempts
            attempts += 1
            return self._once(request, attempts)

        retrying = tenacity.Retrying(
            stop=self._stop, wait=self._wait, sleep=self.clock.sleep, reraise=True,
            retry=tenacity.retry_if_exception_type(_Retryable))
        try:
            return retrying(once)
        except _Retryable as exc:
            raise self._give_up(host, exc, attempts) from None

    # -- one attempt ---------------------------------------------------------------------------

    def _pace(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = last + self.delay_for(host) - self.clock.monotonic()
            if wait > 0:
                self.clock.sleep(wait)
        self._last[host] = self.clock.monotonic()

    def _headers(self, request: Request) -> dict[str, str]:
        headers = {}
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        if request.accept:
            headers["Accept"] = request.accept
        return headers

    def _once(self, request: Request, attempt: int) -> Response:
        host = request.host
        self._pace(host)
        try:
            # Merge, not replace: a configured URL may carry its own query (?idtype=7).
            url = httpx.URL(request.url).copy_merge_params(list(request.params))
            with self._client.stream(request.method, url, json=request.json,
                                     headers=self._headers(request)) as resp:
                body = self._read(resp, host)
        except httpx.ConnectError as exc:
            raise _Retryable(f"could not connect ({exc})", connect=True) from None
        except httpx.TimeoutException:
            raise _Retryable(f"no answer within {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"the connection broke ({type(exc).__name__}: {exc})") from None
        finally:
            self._last[host] = self.clock.monotonic()
        kept = {k: resp.headers[k] for k in KEPT_HEADERS if k in resp.headers}
        status = resp.status_code
        if status in RETRY_STATUSES:
            wait = (parse_retry_after(kept.get("retry-after", ""), self.clock.now())
                    if status in RETRY_AFTER_STATUSES else None)
            raise _Retryable(f"HTTP {status}", status=status, retry_after=wait)
        if status >= 400:
            raise SourceRefused(host, self._refused(request, status, body), status)
        return Response(request=request, url=str(resp.url), fetched_at=self.clock.now(),
                        status=status, headers=kept, body=body if status != 304 else b"",
                        sha256=hashlib.sha256(body if status != 304 else b"").hexdigest(),
                        attempts=attempt)

    def _read(self, resp: httpx.Response, host: str) -> bytes:
        chunks, size = [], 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise ResponseTooLarge(host, f"{host}: response larger than {self.max_bytes} "
                                             "bytes; narrow the request (dates, page size)")
            chunks.append(chunk)
        return b"".join(chunks)

    def _refused(self, request: Request, status: int, body: bytes) -> str:
        said = " ".join(body[:300].decode("utf-8", "replace").split())
        hint = _HINTS.get(status, "the request is not one the provider accepts")
        return (f"{request.host} answered HTTP {status} to {request.full_url}"
                f"{f' ({said})' if said else ''}: {hint}")

    # -- retry policy ----------------------------------------------------------------------------

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable):
            if exc.connect and state.attempt_number >= CONNECT_ATTEMPTS:
                return True
            if exc.retry_after is not None and exc.retry_after > self.max_retry_after:
                return True
        return state.attempt_number >= self.attempts

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return exc.retry_after
        return min(self.max_backoff, self.backoff * 2 ** (state.attempt_number - 1))

    def _give_up(self, host: str, exc: _Retryable, attempts: int) -> SourceError:
        setting = self.settings_for_host.get(host)
        where = f" or the setting {setting}" if setting else ""
        if exc.retry_after is not None and exc.retry_after > self.max_retry_after:
            retry_at = self.clock.now().timestamp() + exc.retry_after
            at = datetime.fromtimestamp(retry_at, timezone.utc)
            return RateLimited(host, f"{host} rate-limited the request (HTTP {exc.status}) and "
                                     f"asks to wait {exc.retry_after:.0f} s, longer than the "
                                     f"{self.max_retry_after:.0f} s this client waits; fetch again "
                                     f"after {at:%Y-%m-%d %H:%M} UTC (a daily quota may be spent)",
                               at)
        if exc.status in RETRY_AFTER_STATUSES and exc.status == 429:
            return RateLimited(host, f"{host} kept answering HTTP 429 (too many requests) after "
                                     f"{attempts} attempts; raise the delay between requests to "
                                     "this host or fetch later", None)
        if exc.connect:
            return HostUnreachable(host, f"cannot reach {host}: {exc.reason}; check this "
                                           f"machine's network connection or proxy{where}; "
                                           "nothing was fetched")
        check = f", or check the setting {setting} if the address is wrong" if setting else ""
        return SourceUnreachable(host, f"{host} failed {attempts} times (last: {exc.reason}); "
                                       f"the service may be down or overloaded: fetch again "
                                       f"later{check}")
