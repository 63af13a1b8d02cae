"""Rebuild data/reference/countries.csv from the reference files beside it.

Run from the project folder: `.venv/bin/python data/reference/build.py`. Inputs (see
data/README.md): ocha_countries_territories_taxonomy.csv (UN names in six languages, MIT) and
un_regional_groups.csv (CC0). One row per country or territory with a valid signal code.
"""

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from prevention.countries import LANGUAGE_COLUMNS, _code_of, taxonomy, un_group, un_groups  # noqa: E402


M49 = {"en": "M49 English", "fr": "M49 French", "es": "M49 Spanish", "ru": "M49 Russian",
       "zh": "M49 Chinese", "ar": "M49 Arabic"}


def main() -> None:
    rows = []
    for r in taxonomy():
        code = _code_of(r)
        rows.append({"iso3": code,
                     "iso2": r["ISO 3166-1 Alpha 2-Codes"] or r["x Alpha2 codes"],
                     # Territories have no UN short name; M49 gives them one.
                     **{f"name_{lang}": r[col] or r[M49[lang]]
                        for lang, col in LANGUAGE_COLUMNS.items()},
                     "un_group": un_group(code) or "",
                     "un_groups": ";".join(un_groups(code))})
    with open(HERE / "countries.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(sorted(rows, key=lambda r: r["iso3"]))


if __name__ == "__main__":
    main()
