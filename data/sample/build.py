"""Rebuild the bundled sample bundle (data/sample/*.csv) from real public records.

Run from the project folder: `python data/sample/build.py`. Sources are in data/README.md:
the OHCHR Special Procedures communications sample (shared/data/special_procedures) and two
worked examples from the domain brief whose facts are cited in Council resolutions.
"""

import csv
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent.parent / "shared" / "data"
COUNTRY_MANDATES = {"Belarus", "Iran (Islamic Republic of)", "Russian Federation",
                    "Palestinian territories occupied since 1967"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def main() -> None:
    issuers = {
        "ohchr-hc": ("UN High Commissioner for Human Rights", "high_commissioner"),
        "unsc": ("UN Security Council", "security_council"),
        "las": ("League of Arab States", "regional_org"),
        "au": ("African Union (Peace and Security Council)", "regional_org"),
        "ecowas": ("Economic Community of West African States", "regional_org"),
    }
    signals = []
    with open(SHARED / "special_procedures" / "sp_communications_sample_2025-12_2026-02.csv",
              encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["addressee_code"] == "OTH":
                continue  # letters to companies and other actors are not about a State
            ids = []
            for mandate in row["mandates"].split(" | "):
                mandate = mandate.strip()
                iid = "sp-" + slug(mandate)
                label = f"{mandate} (country mandate)" if mandate in COUNTRY_MANDATES else mandate
                issuers[iid] = (f"Special Procedures: {label}", "sp_mandate")
                ids.append(iid)
            signals.append({
                "signal_id": f"ohchr-sp-{row['ohchr_gid']}",
                "date": row["date_sent"], "country": row["addressee_code"],
                "issuers": ";".join(ids), "concern": "true",
                "title": f"{row['full_reference']} to {row['addressee']}",
                "url": row["source_url"], "reference": row["full_reference"],
                "summary": "", "language": "en",
            })
    worked = [
        ("libya-2011-hc", "2011-02-22", "LBY", "ohchr-hc",
         "High Commissioner's statement on Libya (cited in A/HRC/RES/S-15/1)", "", "A/HRC/RES/S-15/1"),
        ("libya-2011-sc", "2011-02-22", "LBY", "unsc",
         "Security Council press statement on Libya", "https://press.un.org/en/2011/sc10180.doc.htm",
         "SC/10180"),
        ("libya-2011-las", "2011-02-22", "LBY", "las",
         "League of Arab States statement on Libya (cited in A/HRC/RES/S-15/1)", "", "A/HRC/RES/S-15/1"),
        ("civ-2010-ecowas", "2010-12-07", "CIV", "ecowas",
         "ECOWAS extraordinary summit communiqué on Côte d'Ivoire", "", "ECOWAS summit, 7 Dec 2010"),
        ("civ-2010-au-1", "2010-12-09", "CIV", "au",
         "AU Peace and Security Council communiqué on Côte d'Ivoire", "", "AU PSC, 9 Dec 2010"),
        ("civ-2010-au-2", "2010-12-21", "CIV", "au",
         "AU Peace and Security Council communiqué on Côte d'Ivoire", "", "AU PSC, 21 Dec 2010"),
    ]
    for sid, date, country, issuer, title, url, ref in worked:
        signals.append({"signal_id": sid, "date": date, "country": country, "issuers": issuer,
                        "concern": "true", "title": title, "url": url, "reference": ref,
                        "summary": "", "language": "en"})
    fields = ["signal_id", "date", "country", "issuers", "concern", "title", "url",
              "reference", "summary", "language"]
    with open(HERE / "signals.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fields)
        w.writeheader()
        w.writerows(sorted(signals, key=lambda s: (s["date"], s["signal_id"])))
    with open(HERE / "issuers.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["issuer_id", "name", "kind", "country", "accreditation", "scope"])
        for iid, (name, kind) in sorted(issuers.items()):
            w.writerow([iid, name, kind, "", "", ""])
    members = {"LAS": "las", "AU": "au", "ECOWAS": "ecowas"}
    # A membership the project's reference table dates (Syria's suspension from the League of
    # Arab States, 2011-2023) is left to it: an undated copy here contradicts it, and the seed,
    # which imports both, had to quarantine the copy.
    with open(HERE.parent / "reference" / "memberships.csv", encoding="utf-8") as fh:
        dated = {(r["org_id"], r["country"]) for r in csv.DictReader(fh) if r["since"] or r["until"]}
    with open(SHARED / "reference" / "intergovernmental_memberships.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["org_code"] in members and r["status"] == "member"
                and (members[r["org_code"]], r["iso3"]) not in dated]
    with open(HERE / "memberships.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["org_id", "country", "since", "until"])
        for r in sorted(rows, key=lambda r: (r["org_code"], r["iso3"])):
            w.writerow([members[r["org_code"]], r["iso3"], "", ""])
    # What was searched: a sample each time, never everything a source published, so that the
    # engine says "undetermined" rather than "clear" for every State not named (docs/coverage.md).
    with open(HERE / "coverage.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "issuer_kind", "country", "start", "end", "completeness"])
        w.writerows([
            ("ohchr-sp-sample-2025-12", "sp_mandate", "", "2025-12-01", "2026-02-27", "sample"),
            ("worked-examples", "high_commissioner", "LBY", "2011-02-22", "2011-02-22", "sample"),
            ("worked-examples", "regional_org", "CIV", "2010-12-07", "2010-12-21", "sample"),
            ("worked-examples", "regional_org", "LBY", "2011-02-22", "2011-02-22", "sample"),
            ("worked-examples", "security_council", "LBY", "2011-02-22", "2011-02-22", "sample"),
        ])


if __name__ == "__main__":
    main()
