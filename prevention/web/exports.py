"""Downloads: tables as CSV and XLSX (with their source URLs), figures as PNG/SVG or HTML.

Synthetic data must never leave the app unmarked: every export of synthetic data carries a
`synthetic` column (tables) or a title prefix (figures).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from prevention.display.text import inert_cell

SYNTHETIC_NOTE = "SYNTHETIC DATA: invented for benchmarks, not real statements"


def _marked(table: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    if not synthetic:
        return table
    out = table.copy()
    out.insert(0, "synthetic", True)
    return out




def inert(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of `table` with inert_cell applied to every cell (numbers stay numbers)."""
    return table.map(inert_cell)


def to_csv(table: pd.DataFrame, synthetic: bool = False) -> bytes:
    """UTF-8 CSV with a BOM, which Excel needs to show non-Latin names correctly. Rows end in
    CRLF (RFC 4180), which also makes the writer quote a cell holding a lone carriage return
    instead of letting it split the row."""
    return inert(_marked(table, synthetic)).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(table: pd.DataFrame, sheet: str = "data", synthetic: bool = False) -> bytes:
    buf = io.BytesIO()
    safe = inert(_marked(table, synthetic))
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name=sheet[:31] or "data", index=False)
        if synthetic:
            pd.DataFrame({"note": [SYNTHETIC_NOTE]}).to_excel(writer, sheet_name="SYNTHETIC",
                                                              index=False)
    return buf.getvalue()


def chromium_path() -> str | None:
    """The browser kaleido renders with: $BROWSER_PATH, else Debian's chromium."""
    for candidate in (os.environ.get("BROWSER_PATH"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


class ImageExportUnavailable(RuntimeError):
    """Static images need kaleido and a Chromium; the HTML export always works."""


def figure_image(fig: go.Figure, fmt: str = "png", synthetic: bool = False) -> bytes:
    """The figure as PNG or SVG, rendered by kaleido with the system Chromium (a few seconds:
    kaleido starts a browser per call, so call this only when the user asks).

    Nothing is fetched: kaleido's page loads plotly.js from the plotly package, no MathJax
    (its default comes from a CDN), and the map's outlines from geo.offline_assets_js (plotly
    would otherwise ask cdn.plot.ly for them, and a closed network would get an error text
    instead of a picture)."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"format must be png or svg, not {fmt!r}")
    browser = chromium_path()
    if browser is None:
        raise ImageExportUnavailable("no Chromium found: install Debian's `chromium` or set "
                                     "BROWSER_PATH; download the HTML instead")
    os.environ.setdefault("BROWSER_PATH", browser)
    try:
        import kaleido

        out = kaleido.calc_fig_sync(
            _mark_figure(fig, synthetic).to_dict(),
            opts=dict(format=fmt, width=1200, height=600, scale=1),
            kopts={"page_generator": offline_page()})
    except Exception as exc:  # kaleido reports missing pieces with several exception types
        raise ImageExportUnavailable(f"image export failed ({exc}); download the HTML instead") from exc
    if isinstance(out, str):
        out = out.encode("utf-8")
    if not _looks_like(out, fmt):
        raise ImageExportUnavailable(f"image export gave no {fmt.upper()} ({out[:80]!r}); "
                                     "download the HTML instead")
    return out


def _looks_like(data: bytes, fmt: str) -> bool:
    if fmt == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    return b"<svg" in data[:400]


def offline_page():
    """kaleido's page: the plotly package's own plotly.js, no MathJax, the vendored outlines."""
    from kaleido import PageGenerator

    return PageGenerator(plotly=_plotly_js(), mathjax=False, others=[_geo_assets()])


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


_ASSETS: Path | None = None


def _geo_assets() -> Path:
    """The outlines as a script file, written once per process."""
    global _ASSETS
    if _ASSETS is None or not _ASSETS.exists():
        from prevention.web import geo

        folder = Path(tempfile.mkdtemp(prefix="prevention-geo-"))
        path = folder / "plotly-geo-assets.js"
        path.write_text(geo.offline_assets_js(), encoding="utf-8")
        _ASSETS = path
    return _ASSETS


def figure_html(fig: go.Figure, synthetic: bool = False) -> bytes:
    """A self-contained HTML page of the interactive figure (plotly.js inlined, works offline)."""
    return _mark_figure(fig, synthetic).to_html(include_plotlyjs=True, full_html=True).encode("utf-8")


def _mark_figure(fig: go.Figure, synthetic: bool) -> go.Figure:
    if not synthetic:
        return fig
    out = go.Figure(fig)
    title = out.layout.title.text or ""
    out.update_layout(title_text=f"{SYNTHETIC_NOTE} — {title}" if title else SYNTHETIC_NOTE)
    return out
