"""A deliberately naive reading of issue 2, sections 2 and 4, for comparison with the engine.

Written from the issue's words with plain loops over rows and no shared code with
`triggers/` beyond the RuleSet model (read only for its fields). Slow on purpose: it is
the specification executed literally, so a disagreement points at the engine (or at the
issue being ambiguous) rather than at a shared helper.
"""

from __future__ import annotations

from datetime import date, timedelta

STATUSES = ("clear", "watch", "triggered", "undetermined")


def _day(text) -> date:
    return text if isinstance(text, date) else date.fromisoformat(str(text))


def _distinct_signals(signals):
    # An exact repeat of a row counts once; the generator never reuses an id otherwise.
    seen, out = set(), []
    for s in signals:
        if s["signal_id"] in seen:
            continue
        seen.add(s["signal_id"])
        out.append(s)
    return out


def _is_member(memberships, org_id, country, day):
    for org, c, since, until in memberships:
        if org != org_id or c != country:
            continue
        after_start = since == "" or _day(since) <= day
        before_end = until == "" or day < _day(until)  # until: first day no longer a member
        if after_start and before_end:
            return True
    return False


def _issuer_ids(signal):
    return {i.strip() for i in signal["issuers"].split(";") if i.strip()}


def _qualifies(signal, country, as_of, window):
    d = _day(signal["date"])
    concern = signal.get("concern", "").lower() not in ("false", "0", "no")
    return signal["country"] == country and concern and as_of - timedelta(days=window) < d <= as_of


def _status_on(issuer_row, accreditations, day):
    """An NHRI's or NGO's status on a day: its history row covering the day (the latest to
    begin, if rows overlap), "none" if it has history but no row covers the day, else its
    issuers.csv accreditation."""
    iid, acc = issuer_row[0], issuer_row[4] or "none"
    mine = [r for r in (accreditations or []) if r[0] == iid]
    if not mine:
        return acc
    covering = [r for r in mine if (r[2] == "" or _day(r[2]) <= day)
                and (r[3] == "" or day < _day(r[3]))]
    if not covering:
        return "none"
    # The row that began latest; on the same day, the later row of the file.
    return max(((r[2] != "", r[2], k), r) for k, r in enumerate(mine) if r in covering)[1][1]


def evaluate_criterion(crit, window, signals, issuers, memberships, country, as_of,
                       accreditations=None):
    """(value, has_eligible_nhri or None) for one criterion, one country, one day."""
    by_id = {i[0]: i for i in issuers}
    kind = {i[0]: i[2] for i in issuers}
    qualifying = [s for s in signals if _qualifies(s, country, as_of, window)]

    if crit.type == "statement_by":
        value = 0
        for s in qualifying:
            category = s.get("category", "")
            if crit.categories is not None and not (
                    category in crit.categories
                    or (category == "" and "uncategorised" in crit.categories)):
                continue
            counted = False
            for iid in _issuer_ids(s):
                if kind[iid] not in crit.issuer_kinds:
                    continue
                if (crit.members_only and kind[iid] == "regional_org"
                        and not _is_member(memberships, iid, country, _day(s["date"]))):
                    continue
                counted = True
            if counted:
                value += 1
        return value, None

    if crit.type == "joint_group":
        if crit.mode == "joint":
            value = 0
            for s in qualifying:
                n = len([i for i in _issuer_ids(s) if kind[i] in crit.issuer_kinds])
                value = max(value, n)
            return value, None
        everyone = set()
        for s in qualifying:
            everyone |= {i for i in _issuer_ids(s) if kind[i] in crit.issuer_kinds}
        return len(everyone), None

    # nhri_with_ngos: accreditation as on the signal's date
    def eligible_nhri(iid, day):
        _, _, k, c, _, _ = by_id[iid]
        return k == "nhri" and c == country and \
            _status_on(by_id[iid], accreditations, day) in crit.nhri_status

    def eligible_ngo(iid, day):
        _, _, k, c, _, scope = by_id[iid]
        if k != "ngo" or c != country or \
                _status_on(by_id[iid], accreditations, day) not in crit.ngo_status:
            return False
        return crit.ngo_scope is None or scope == crit.ngo_scope

    has_nhri = any(eligible_nhri(i, _day(s["date"])) for s in qualifying for i in _issuer_ids(s))
    if crit.mode == "joint":
        value = 0
        for s in qualifying:
            ids, day = _issuer_ids(s), _day(s["date"])
            if any(eligible_nhri(i, day) for i in ids):
                value = max(value, len([i for i in ids if eligible_ngo(i, day)]))
        return value, has_nhri
    ngos = {i for s in qualifying for i in _issuer_ids(s) if eligible_ngo(i, _day(s["date"]))}
    return len(ngos), has_nhri


def reference_coverage(crit, window, coverage, country, as_of):
    """(coverage, covered_days) as issue 10 section 2 words them, day by day.

    `coverage`: None (no coverage.csv: complete everywhere) or rows (source, issuer_kind,
    country, start, end, completeness)."""
    if coverage is None:
        return "full", window
    kinds = ["nhri", "ngo"] if crit.type == "nhri_with_ngos" else list(crit.issuer_kinds)
    days = [as_of - timedelta(days=i) for i in range(window)]  # T-W < d <= T

    def applies(r, kind):
        return r[1] == kind and r[2] in ("", country)

    covered = {}
    for kind in kinds:
        covered[kind] = sum(
            1 for d in days
            if any(applies(r, kind) and (r[5] or "complete") == "complete"
                   and _day(r[3]) <= d <= _day(r[4]) for r in coverage))
    if all(n == window for n in covered.values()):
        return "full", window
    sampled = any(applies(r, kind) and r[5] == "sample"
                  and _day(r[3]) <= as_of and _day(r[4]) >= days[-1]
                  for kind in kinds for r in coverage)
    if all(n == 0 for n in covered.values()) and not sampled:
        return "none", 0
    return "partial", min(covered.values())


def reference_evaluate(signals, issuers, memberships, rules, as_of, coverage=None,
                       accreditations=None):
    """{country: {"status", "criteria_met", "criteria": {id: {"met", "value", "coverage",
    "covered_days"}}}}."""
    as_of = _day(as_of)
    signals = _distinct_signals(signals)
    out = {}
    for country in sorted({s["country"] for s in signals}):
        met_count, watch, results, unjudged = 0, False, {}, 0
        for crit in rules.criteria:
            window = crit.window_days if crit.window_days else rules.window_days
            value, has_nhri = evaluate_criterion(crit, window, signals, issuers, memberships,
                                                 country, as_of, accreditations)
            cov, covered_days = reference_coverage(crit, window, coverage, country, as_of)
            if crit.type == "nhri_with_ngos":
                threshold = crit.min_ngos
                met = has_nhri and value >= threshold
                progress = ((1 if has_nhri else 0) + min(value, threshold)) / (1 + threshold)
            else:
                threshold = crit.min_signals if crit.type == "statement_by" else crit.min_issuers
                met = value >= threshold
                progress = min(value, threshold) / threshold
            met = met and crit.enabled
            if crit.enabled:
                met_count += 1 if met else 0
                if progress >= rules.watch_ratio:
                    watch = True
                if not met and cov != "full":
                    unjudged += 1
            results[crit.id] = {"met": met, "value": value, "coverage": cov,
                                "covered_days": covered_days}
        if met_count >= rules.min_criteria:
            st = "triggered"
        elif watch:
            st = "watch"
        elif met_count + unjudged >= rules.min_criteria:
            st = "undetermined"
        else:
            st = "clear"
        out[country] = {"status": st, "criteria_met": met_count, "criteria": results}
    return out


def reference_timeline(signals, issuers, memberships, rules, start, end, coverage=None,
                       accreditations=None):
    """{(country, iso day): (status, {id: met})} for every day from start to end."""
    out = {}
    day, end = _day(start), _day(end)
    while day <= end:
        for country, res in reference_evaluate(signals, issuers, memberships, rules, day,
                                               coverage, accreditations).items():
            out[(country, day.isoformat())] = (
                res["status"], {cid: r["met"] for cid, r in res["criteria"].items()})
        day += timedelta(days=1)
    return out
