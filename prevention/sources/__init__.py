"""Live public sources: one module per source, each with a pure request builder/pager and a
parser from the bytes of one response (or a saved file) to `ParsedImport`.

Nothing here touches the database: `connector.fetch_pages` runs a connector against the
`http.HttpClient` and hands back each response with its parse; storing, cursors and the raw
archive are the caller's (docs/connectors.md).
"""
