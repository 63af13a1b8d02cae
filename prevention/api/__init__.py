"""The read-only JSON API (/api/v1, docs/api.md) below the web room: rate limits, the JSON
documents and the OpenAPI description. The Starlette routes are prevention/web/api.py."""
