import csv

import pandas as pd
import pytest

from prevention.sources import countries
from tests.prevention.importers.helpers import REFERENCE

# (written as, expected ISO3): the six UN languages, codes and the variants people write.
NAMES = [
    ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"), ("Côte d’Ivoire", "CIV"),
    ("Ivory Coast", "CIV"), ("Costa de Marfil", "CIV"), ("Кот-д’Ивуар", "CIV"),
    ("科特迪瓦", "CIV"), ("كوت ديفوار", "CIV"),
    ("DPRK", "PRK"), ("North Korea", "PRK"), ("Democratic People's Republic of Korea", "PRK"),
    ("République populaire démocratique de Corée", "PRK"), ("Republic of Korea", "KOR"),
    ("Syria", "SYR"), ("Syrian Arab Republic", "SYR"), ("République arabe syrienne", "SYR"),
    ("Сирийская Арабская Республика", "SYR"), ("阿拉伯叙利亚共和国", "SYR"),
    ("الجمهورية العربية السورية", "SYR"), ("República Árabe Siria", "SYR"),
    ("Iran (Islamic Republic of)", "IRN"), ("Iran", "IRN"), ("Irán (República Islámica del)", "IRN"),
    ("Türkiye", "TUR"), ("Turkey", "TUR"), ("Turquía", "TUR"), ("Турция", "TUR"),
    ("State of Palestine", "PSE"), ("Palestine", "PSE"), ("État de Palestine", "PSE"),
    ("Kosovo", "XKX"), ("XKX", "XKX"), ("xk", "XKX"),
    ("Democratic Republic of the Congo", "COD"), ("DR Congo", "COD"), ("Congo", "COG"),
    ("Niger", "NER"), ("Nigeria", "NGA"), ("Sudan", "SDN"), ("South Sudan", "SSD"),
    ("Guinea", "GIN"), ("Guinea-Bissau", "GNB"), ("Equatorial Guinea", "GNQ"),
    ("Bolivia (Plurinational State of)", "BOL"), ("Bolivia", "BOL"), ("Venezuela", "VEN"),
    ("Russian Federation", "RUS"), ("Russia", "RUS"), ("Российская Федерация", "RUS"),
    ("United States of America", "USA"), ("Estados Unidos de América", "USA"),
    ("United Kingdom of Great Britain and Northern Ireland", "GBR"), ("UK", "GBR"),
    ("Myanmar", "MMR"), ("Burma", "MMR"), ("Viet Nam", "VNM"), ("Vietnam", "VNM"),
    ("Eswatini", "SWZ"), ("Swaziland", "SWZ"), ("Czechia", "CZE"), ("Lao PDR", "LAO"),
    ("Libyan Arab Jamahiriya", "LBY"), ("  myanmar  ", "MMR"),
    ("SYR", "SYR"), ("syr", "SYR"), ("SY", "SYR"), ("ci", "CIV"),
]


@pytest.mark.parametrize("name,iso3", NAMES)
def test_names_and_codes_map_to_iso3(name, iso3):
    match = countries.to_iso3(name)
    assert match.iso3 == iso3, (name, match)


@pytest.mark.parametrize("name,why,suggested", [
    ("Korea", "ambiguous", {"KOR", "PRK"}),
    ("Sudan and South Sudan", "several", {"SDN", "SSD"}),
    ("Frnace", "unknown", {"FRA"}),
    ("Atlantis", "unknown", set()),
    ("", "empty", set()),
])
def test_ambiguous_or_unknown_names_give_no_match_and_suggestions(name, why, suggested):
    match = countries.to_iso3(name)
    assert match.iso3 is None and why in match.reason
    codes = {s[-4:-1] for s in match.suggestions}
    assert suggested <= codes


def test_a_column_is_mapped_once_per_distinct_value():
    countries.to_iso3.cache_clear()
    values = pd.Series(["Syria", "Frnace", "SYR"] * 100_000)
    codes, failed = countries.map_names(values)
    assert codes.iloc[:3].tolist() == ["SYR", "", "SYR"]
    assert list(failed) == ["Frnace"]
    assert countries.to_iso3.cache_info().misses == 3


def test_find_in_text_takes_the_longest_name():
    assert countries.find_in_text("Situation in Sudan and South Sudan") == ["SDN", "SSD"]
    assert countries.find_in_text("Guinea-Bissau and Papua New Guinea") == ["GNB", "PNG"]
    assert countries.find_in_text("cooperation with the Economic Community of Central "
                                  "African States") == []


def test_un_groups_with_turkiye_in_two():
    assert countries.un_groups("TUR") == ("WEOG", "Asia-Pacific Group")
    assert countries.un_group("TUR") == "WEOG"
    assert countries.un_group("NGA") == "African Group"
    assert countries.un_group("XKX") is None and countries.un_groups("PSE") == ()


def test_countries_table_has_every_un_member_with_its_group():
    with (REFERENCE / "countries.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["iso3", "iso2", "name_en", "name_fr", "name_es", "name_ru",
                             "name_zh", "name_ar", "un_group", "un_groups"]
    grouped = [r for r in rows if r["un_group"]]
    assert len(grouped) == 193
    by = {r["iso3"]: r for r in rows}
    assert by["TUR"]["un_groups"] == "WEOG;Asia-Pacific Group"
    assert by["CIV"]["name_ru"] == "Кот-д’Ивуар" and by["SYR"]["name_zh"] == "阿拉伯叙利亚共和国"
    assert "XKX" in by and all(r["name_en"] for r in rows)


def test_a_long_text_is_not_a_country_name():
    match = countries.to_iso3("Syria " * 100)
    assert match.iso3 is None and "longer than" in match.reason
