"""The report's vendored plotly.js cartesian bundle is the same plotly.js as the plotly package's full bundle
(report/vendor/README.md): figures are written by one version and drawn by the same."""

from __future__ import annotations

import re

from plotly.offline import get_plotlyjs_version

from report.render import CARTESIAN_BUNDLE, CARTESIAN_TRACES


def test_the_cartesian_bundle_is_the_plotly_packages_version() -> None:
    head = CARTESIAN_BUNDLE.read_text(encoding="utf-8")[:400]
    (version,) = re.findall(r"plotly\.js \(cartesian - minified\) v(\d+\.\d+\.\d+)", head)
    assert version == get_plotlyjs_version() and version in CARTESIAN_BUNDLE.name


def test_the_traces_it_holds_are_those_its_readme_names() -> None:
    readme = (CARTESIAN_BUNDLE.parent / "README.md").read_text()
    assert "cartesian" in readme
    # the bundle registers each of its trace modules by name
    bundle = CARTESIAN_BUNDLE.read_text(encoding="utf-8")
    assert all(f'name:"{trace}"' in bundle for trace in CARTESIAN_TRACES)
    assert 'name:"waterfall"' not in bundle  # the bridge's chart needs the full bundle
