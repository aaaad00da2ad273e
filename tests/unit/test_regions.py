import polars as pl
import pytest

from pipelines.normalise.regions import (
    REFERENCE_DIR,
    RegionError,
    RegionResolver,
    build_regions,
    load_reference_regions,
    with_subdivisions,
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


# --- ISO 3166-2 subdivisions (pycountry) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("US-CA", "US-CA"),
        ("us-ca", "US-CA"),
        ("California", "US-CA"),
        ("New Mexico", "US-NM"),  # not Mexico
        ("District of Columbia", "US-DC"),
        ("Ontario", "CA-ON"),
        ("Andalucía", "ES-AN"),  # an autonomous community
        ("ES-MA", "ES-MA"),  # Málaga, a province under Andalucía
        ("Bayern", "DE-BY"),
        ("Georgia", "GE"),  # the country's name wins over the US state's
        ("US-GA", "US-GA"),
        ("PK-PB", "PK-PB"),
        ("Cantabria", "ES-CB"),  # the autonomous community, not its one province of the same name
        ("Islas Baleares", "ES-IB"),  # 'Illes Balears [Islas Baleares]'
    ],
)
def test_subdivisions_resolve_by_code_and_name(reference, text, code):
    _, resolver = reference
    assert resolver.resolve(text) == code


@pytest.mark.parametrize("text", ["Punjab", "North", "Lakes", "World excluding Texas"])
def test_shared_or_generic_subdivision_names_do_not_resolve(reference, text):
    """'Punjab' is India's and Pakistan's; 'North' is Cameroon's region and anybody's sales territory."""
    _, resolver = reference
    assert resolver.resolve(text) is None


def test_subdivision_suggestions(reference):
    _, resolver = reference
    assert resolver.suggest("Californa") == "did you mean 'US-CA' (California)?"
    assert (
        resolver.suggest("Punjab") == "several subdivisions are named 'Punjab': write the code (IN-PB, PK-PB)"
    )


def test_subdivisions_join_the_tree_only_when_named(reference):
    regions, _ = reference
    assert regions.filter(pl.col("region_code") == "US-CA").is_empty()
    grown = with_subdivisions(regions, ["US-CA", "ES-MA", "US", "NOT-A-CODE"])
    rows = {r["region_code"]: r for r in grown.iter_rows(named=True)}
    assert rows["US-CA"] == {"region_code": "US-CA", "name": "California", "parent_code": "US", "level": "state",
                             "iso3": None, "depth": 3, "path": "WORLD/NAM/US/US-CA"}  # fmt: skip
    assert rows["ES-AN"]["level"] == "autonomous community" and rows["ES-AN"]["parent_code"] == "ES"
    assert rows["ES-MA"]["level"] == "province" and rows["ES-MA"]["path"] == "WORLD/EUR/ES/ES-AN/ES-MA"
    assert grown.height == regions.height + 3


def test_a_dataset_region_of_the_same_name_wins(groups):
    extra = pl.DataFrame({"code": ["US_CA"], "name": ["California"], "parent": ["US"]})
    regions = build_regions(groups, extra)
    resolver = RegionResolver(regions, pl.DataFrame({"alias": ["California"], "region_code": ["US_CA"]}))
    assert resolver.resolve("California") == "US_CA" and resolver.resolve("US-CA") == "US-CA"


def test_a_shared_name_is_read_in_its_file_s_countries(reference):
    """'Florida' is a US state and a department of Uruguay: among US states it is the state."""
    _, resolver = reference
    assert resolver.resolve("Florida") is None
    prefer = resolver.preferred_countries(["California", "US-NY", "Florida", "Maryland"])
    assert prefer == frozenset({"US"})
    assert resolver.resolve("Florida", prefer) == "US-FL" and resolver.resolve("Maryland", prefer) == "US-MD"
    assert resolver.resolve("Punjab", prefer) is None
