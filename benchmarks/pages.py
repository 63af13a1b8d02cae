"""Where a page's time goes (issue 17): the Overview and the Country page split into data load,
evaluation, table shaping, figure building and serialisation, as each rerun used to compute
them, beside what a rerun costs now that the results come from the shared cache
(prevention/web/cached.py) and the stored status table (prevention/cases/statuses.py).

The database holds the real seed and --signals synthetic signals (benchmarks/synth.py), as for
benchmarks/load.py. Each step is timed --repeat times (median, CPU time of this thread beside the
wall time); serialisation is what st.dataframe and st.plotly_chart do with what the page hands
them (pandas to Arrow IPC bytes; plotly figure to dict to JSON).

    python -m benchmarks.pages [--signals 100000] [--repeat 5] [--as-of 2025-12-31]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int) -> tuple[float, float, object]:
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.thread_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.thread_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def arrow_bytes(frame) -> bytes:
    from streamlit import dataframe_util

    return dataframe_util.convert_pandas_df_to_arrow_bytes(frame)


def table_bytes(table) -> bytes:
    from streamlit import dataframe_util

    return dataframe_util.convert_arrow_table_to_arrow_bytes(table)


def figure_json(fig) -> str:
    import plotly.io

    return plotly.io.to_json(fig.to_dict(), validate=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--signals", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--as-of", default="2025-12-31")
    ap.add_argument("--country", default="SYR")
    args = ap.parse_args(argv)
    import os

    import pandas as pd

    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    from benchmarks.load import loadavg, seed

    url, _ = seed(folder, args.signals, "sqlite")
    os.environ["DATABASE_URL"] = url
    from prevention.storage.settings import get_settings

    get_settings.cache_clear()
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from prevention.cases import rulesets, statuses
    from prevention.storage import frames
    from prevention.web import cached, charts, common, geo, views
    from triggers.evaluate import evaluate
    from triggers.prepared import prepare

    as_of = date.fromisoformat(args.as_of)
    iso3 = args.country
    rules = rulesets.get_rule_set("glion-iii-2016")
    param = "glion-iii-2016"
    statuses.refresh(today=as_of, days=3)
    print(f"pages benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {loadavg()}, "
          f"{args.signals:,} synthetic signals + the real seed, as of {as_of}, {args.repeat} runs each")

    def load_all():
        frames.invalidate()
        bundle = frames.load_bundle()
        countries = frames.load_countries()
        prep = prepare(bundle, statuses.evaluation_countries(countries, bundle))
        return bundle, countries, prep, frames.load_coverage(), frames.load_sources(), frames.load_outcomes()

    rows: list[tuple[str, str, float, float]] = []

    def step(page: str, name: str, fn):
        w, c, out = timed(fn, args.repeat)
        rows.append((page, name, w, c))
        return out

    bundle, countries, prep, coverage, sources, outcomes = step("both", "data load (frames + prepare; once per data version)", load_all)
    # ---- Overview, as each rerun computed it before
    result = step("overview", "evaluation (193 States, no sentences)",
                  lambda: evaluate(prep, rules, as_of, sentences=False))
    step("overview", "  or: stored status table lookup", lambda: statuses.stored_table(rules, as_of))

    def shape():
        table = views.overview_table(result, countries, param)
        banner = views.coverage_banner(result, coverage)
        views.coverage_banner_markdown(banner, as_of)
        shown = views.filter_overview(table, result, [], None, [])
        views.status_counts(shown)
        display = shown.drop(columns=["status"])
        views.coverage_columns(display, result)
        return shown, display, views.sources_table(sources)

    shown, display, src = step("overview", "table shaping (table, banner, filters, counts, download table)", shape)
    fig = step("overview", "figure building (map)", lambda: charts.status_map(shown, outlines=geo.GEOJSON_URL))
    step("overview", "serialisation: tables to Arrow", lambda: (arrow_bytes(display), arrow_bytes(src)))
    step("overview", "serialisation: map to JSON", lambda: figure_json(fig))

    # ---- Country, as each rerun computed it before
    full = step("country", "evaluation (with sentences and evidence)", lambda: evaluate(prep, rules, as_of))

    def country_shape():
        views.country_profile(bundle, countries, iso3, as_of)
        views.country_criteria(full, iso3)
        ev = views.evidence_table(full, bundle, iso3)
        sig = views.country_signals(bundle, iso3)
        return ev, sig

    ev, sig = step("country", "table shaping (profile, criteria, evidence, signals)", country_shape)
    start = pd_start(sig, as_of)
    tl = step("country", "timeline (this State's range, all States)",
              lambda: _timeline(prep, rules, start, as_of))

    def country_fig():
        return charts.country_timeline(
            views.monthly_signal_counts(sig[sig["date"] <= pd.Timestamp(as_of)]),
            views.met_over_time(tl.frame(step_days=7), iso3), views.country_episodes(tl.episodes(), iso3),
            views.country_outcomes(outcomes, iso3),
            bands=views.coverage_bands(coverage, rules, iso3, start, as_of),
            band_kinds=views.band_kinds(rules), start=start, end=as_of)

    tfig = step("country", "figure building (timeline)", country_fig)
    step("country", "serialisation: evidence tables to Arrow",
         lambda: [arrow_bytes(ev[ev["criterion_id"] == c].drop(columns=["Criterion", "criterion_id"]))
                  for c in ev["criterion_id"].unique()])
    step("country", "serialisation: timeline to JSON", lambda: figure_json(tfig))

    # ---- A rerun now: the shared cache (warm), what is left per rerun
    cached.CACHE.clear()
    common.data()
    w0 = time.perf_counter()
    base = cached.overview_base(param, rules, as_of)
    view = cached.overview_shown(base, param, rules, as_of, [], [], None)
    first_overview = time.perf_counter() - w0
    w0 = time.perf_counter()
    cv = cached.country_view(rules, as_of, iso3)
    first_country = time.perf_counter() - w0

    def overview_rerun():
        b = cached.overview_base(param, rules, as_of)
        v = cached.overview_shown(b, param, rules, as_of, [], [], None)
        return table_bytes(v.display_arrow), table_bytes(b.sources_arrow), figure_json(v.figure)

    def country_rerun():
        v = cached.country_view(rules, as_of, iso3)
        return [table_bytes(t) for _, _, t, _ in v.criteria if t is not None], figure_json(v.figure)

    step("overview", "NOW first build in a process (stored statuses; shaping, map, Arrow once)", lambda: first_overview)
    rows[-1] = ("overview", rows[-1][1], first_overview, float("nan"))
    step("overview", "NOW a rerun: cache lookups + Arrow bytes + map JSON", overview_rerun)
    step("country", "NOW first build in a process (evaluation, shaping, timeline, figure once)", lambda: first_country)
    rows[-1] = ("country", rows[-1][1], first_country, float("nan"))
    step("country", "NOW a rerun: cache lookups + Arrow bytes + timeline JSON", country_rerun)
    step("both", "data version check (one query, every cache key)", frames.data_version)
    assert cv.res.country == iso3 and len(view.shown)

    width = max(len(r[1]) for r in rows)
    for page, name, w, c in rows:
        cpu = "" if math.isnan(c) else f"  cpu {c * 1000:7.1f} ms"
        print(f"{page:9s} {name:{width}s} {w * 1000:8.1f} ms{cpu}")
    print(f"load average at the end: {loadavg()}")
    return 0


def pd_start(sig, as_of):
    import pandas as pd

    start = pd.Timestamp(as_of) - timedelta(days=365)
    return min(start, sig["date"].min()) if len(sig) else start


def _timeline(prep, rules, start, end):
    from triggers.timeline import timeline

    return timeline(prep, rules, start, end)


if __name__ == "__main__":
    sys.exit(main())
