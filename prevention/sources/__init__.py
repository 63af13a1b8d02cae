"""Live public sources: one module per source, each with a pure request builder/pager and a
parser from the bytes of one response (or a saved file) to `ParsedImport`.

The connectors never touch the database: `connector.fetch_pages` runs one against the
`http.HttpClient`. `run.py` stores what they read, one transaction per page (`archive.py`:
raw responses and signal links), and rebuilds from the archive (`reparse`); `status.py` and
`terms.py` are what the pages show (docs/connectors.md).
"""
