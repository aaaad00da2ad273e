"""The report's source list numbers each source once (report/citations.py): a tile cites a figure's source by
(dataset, source_id), a narrative may cite the bare id; the report listed PYMNTS twice, as [2] and [17]."""

from __future__ import annotations

from report.citations import Citer


def test_a_bare_id_and_its_datasets_key_share_one_number():
    cite = Citer()
    assert cite(("tiktok-2024", "pymnts")) == "[1]"
    assert cite(("tiktok-2024", "krasia")) == "[2]"
    assert cite("pymnts") == "[1]"
    assert cite(["krasia", ("tiktok-2024", "pymnts")]) == "[2][1]"
    listed = cite.source_list({("tiktok-2024", "pymnts"): {"publisher": "PYMNTS", "dataset": "tiktok-2024"}})
    assert [(s["marker"], s["source_id"], s["dataset"]) for s in listed] == [
        (1, "pymnts", "tiktok-2024"),
        (2, "krasia", "tiktok-2024"),
    ]


def test_two_datasets_ids_stay_two_sources():
    cite = Citer()
    assert cite(("alpha", "report"), ("beta", "report")) == "[1][2]"
    assert len(cite.source_list({})) == 2
