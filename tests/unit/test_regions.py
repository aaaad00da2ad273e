import polars as pl
import pytest

from pipelines.normalise.regions import (
    REFERENCE_DIR,
    RegionError,
    RegionResolver,
    build_regions,
    load_reference_regions,
)


@pytest.fixture(scope="module")
def reference():
    return load_reference_regions()


@pytest.fixture(scope="module")
def groups() -> pl.DataFrame:
    return pl.read_csv(REFERENCE_DIR / "region_groups.csv", infer_schema=False)


def row(regions: pl.DataFrame, code: str) -> dict:
    return regions.filter(pl.col("region_code") == code).row(0, named=True)


def test_tree_has_the_regions_table_columns(reference):
    regions, _ = reference
    assert regions.columns == ["region_code", "name", "parent_code", "level", "iso3", "depth", "path"]
    assert regions["region_code"].is_unique().all()
    assert regions.filter(pl.col("level") == "country").height >= 249
    assert regions.filter(pl.col("parent_code").is_null())["region_code"].to_list() == ["WORLD"]


@pytest.mark.parametrize(
    ("code", "name", "parent", "level", "iso3", "depth", "path"),
    [
        ("WORLD", "Global", None, "world", None, 0, "WORLD"),
        ("SEA", "Southeast Asia", "APAC", "subregion", None, 2, "WORLD/APAC/SEA"),
        ("ID", "Indonesia", "SEA", "country", "IDN", 3, "WORLD/APAC/SEA/ID"),
        ("VN", "Vietnam", "SEA", "country", "VNM", 3, "WORLD/APAC/SEA/VN"),
        ("US", "United States", "NAM", "country", "USA", 2, "WORLD/NAM/US"),
        ("MX", "Mexico", "LATAM", "country", "MEX", 2, "WORLD/LATAM/MX"),  # Central America, not NAM
        ("GB", "United Kingdom", "EUR", "country", "GBR", 2, "WORLD/EUR/GB"),  # coco stores '^GB$|^UK$'
        ("AE", "United Arab Emirates", "MEA", "country", "ARE", 2, "WORLD/MEA/AE"),  # Western Asia
        ("AU", "Australia", "APAC", "country", "AUS", 2, "WORLD/APAC/AU"),
        ("AQ", "Antarctica", "WORLD", "country", "ATA", 1, "WORLD/AQ"),  # no macro region
        ("XCN", "Outside China (World excluding China)", "WORLD", "custom", None, 1, "WORLD/XCN"),
    ],
)
def test_countries_sit_under_their_macro_region(reference, code, name, parent, level, iso3, depth, path):
    regions, _ = reference
    assert row(regions, code) == {
        "region_code": code,
        "name": name,
        "parent_code": parent,
        "level": level,
        "iso3": iso3,
        "depth": depth,
        "path": path,
    }


def test_extra_regions_are_added_under_a_parent_given_by_code_or_name(groups):
    extra = pl.DataFrame(
        {
            "code": ["tts-sea", "TTS-SEA-ISLANDS", "US"],
            "name": ["TikTok Shop SEA markets", "TikTok Shop island markets", "USA (dataset)"],
            "parent": ["Southeast Asia", "TTS-SEA", "NAM"],  # a name, another extra row, a code
            "level": [None, None, "country"],
        }
    )
    regions = build_regions(groups, extra)
    assert row(regions, "TTS-SEA")["path"] == "WORLD/APAC/SEA/TTS-SEA"
    assert row(regions, "TTS-SEA")["level"] == "custom"
    assert row(regions, "TTS-SEA-ISLANDS")["depth"] == 4
    assert row(regions, "US")["name"] == "USA (dataset)"  # override keeps the ISO3
    assert row(regions, "US")["iso3"] == "USA"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"code": ["X1"], "name": ["Region one"], "parent": ["Southeast Asai"]}, "'X1' .*unknown parent"),
        ({"code": ["X1", "X2"], "name": ["One", "Two"], "parent": ["X2", "X1"]}, "cycle"),
    ],
)
def test_bad_extra_regions_are_named(groups, extra, message):
    with pytest.raises(RegionError, match=message) as caught:
        build_regions(groups, pl.DataFrame(extra))
    if "unknown parent" in message:
        assert "Southeast Asia" in caught.value.suggestion


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("VN", "VN"),
        ("vnm", "VN"),  # ISO3, lower case
        ("Viet Nam", "VN"),  # country_converter regex variant
        ("Vietnam ", "VN"),  # trailing space
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("North Korea", "KP"),
        ("U.S.", "US"),
        ("United States of America", "US"),
        ("Türkiye", "TR"),
        ("NAM", "NAM"),  # region code beats Namibia's ISO3
        ("Namibia", "NA"),
        ("Global", "WORLD"),
        ("worldwide", "WORLD"),
        ("International (non-China)", "XCN"),
        ("Rest of world ex China", "XCN"),
        ("Southeast Asia", "SEA"),
        ("SE Asia", "SEA"),
        ("North America", "NAM"),
        ("Europe", "EUR"),
        ("LatAm", "LATAM"),
        ("Middle East & Africa", "MEA"),
        ("apac", "APAC"),
    ],
)
def test_resolve(reference, text, code):
    _, resolver = reference
    assert resolver.resolve(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "EMEA",  # not in the tree
        "Asia ex Japan",  # an exclusion must not resolve to the excluded country
        "Atlantis",
        "",
    ],
)
def test_unknown_regions_do_not_resolve(reference, text):
    _, resolver = reference
    assert resolver.resolve(text) is None


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Vietnamm", "did you mean 'VN' (Vietnam)?"),
        ("Indonesa", "'ID' (Indonesia)"),
        ("Wrold", "'WORLD' (Global)"),
        ("EMEA", "'MEA' (Middle East & Africa)"),
    ],
)
def test_suggest(reference, text, suggestion):
    _, resolver = reference
    assert suggestion in resolver.suggest(text)


def test_suggest_gives_nothing_for_noise(reference):
    _, resolver = reference
    assert resolver.suggest("zzzz qqqq") is None


def test_alias_to_unknown_region_is_an_error(reference):
    regions, _ = reference
    with pytest.raises(RegionError, match="'EMEA'"):
        RegionResolver(
            regions, pl.DataFrame({"alias": ["Europe, Middle East, Africa"], "region_code": ["EMEA"]})
        )


def test_resolving_many_rows_is_cheap(reference):
    _, resolver = reference
    texts = [f"Unknownland {i}" for i in range(300)] + ["Viet Nam"] * 100_000
    assert sum(resolver.resolve(text) == "VN" for text in texts) == 100_000
