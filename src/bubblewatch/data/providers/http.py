"""The one door to the network for the providers: :func:`http_get`.

Kept apart from the package's ``__init__`` so that the provider modules (``yahoo``,
``fred``) need not import the package that imports them (no import cycle). The package
re-exports :func:`http_get`; :func:`~bubblewatch.data.providers.fetch` passes it to each
provider's ``download`` at call time, so replacing ``bubblewatch.data.providers.http_get``
(as the tests do) reaches every download.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from bubblewatch.errors import ProviderError

__all__ = ["USER_AGENT", "HttpGet", "http_get"]

#: the signature of :func:`http_get` (a provider's ``download`` takes one)
HttpGet = Callable[..., bytes]

USER_AGENT = "Mozilla/5.0 (compatible; bubblewatch; +https://pypi.org/project/bubblewatch/)"


def http_get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 20.0) -> bytes:
    """GET ``url`` and return the body; every failure becomes a :class:`ProviderError`.

    The message names the host and says what to do (check the network, or use ``--offline``
    to read the cache). ``BUBBLEWATCH_OFFLINE=1`` refuses to connect at all.
    """
    host = urllib.parse.urlsplit(url).netloc or url
    if os.environ.get("BUBBLEWATCH_OFFLINE"):
        raise ProviderError(
            f"network access is disabled (BUBBLEWATCH_OFFLINE is set): cannot reach {host}; "
            "use --offline to read the cache"
        )
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return bytes(resp.read())
    except urllib.error.HTTPError as exc:
        body = b""
        try:
            body = exc.read()
        except Exception:  # pragma: no cover - best effort
            pass
        err = ProviderError(f"{host} answered HTTP {exc.code} ({exc.reason})")
        err.status = exc.code  # type: ignore[attr-defined]
        err.body = body  # type: ignore[attr-defined]
        raise err from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ProviderError(
            f"cannot reach {host}: {reason}; check the network connection "
            "or use --offline to read the cache"
        ) from exc


def json_document(
    payload: bytes | str | Mapping[str, Any], malformed: Callable[[str], ProviderError]
) -> Any:
    """A provider's answer as a JSON document (a mapping passes through as it is);
    ``malformed(what)`` is the error raised when it is not JSON."""
    if isinstance(payload, Mapping):
        return payload
    try:
        return json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise malformed(f"not JSON ({exc})") from exc
