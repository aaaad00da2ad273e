"""The operator demo: an illustrative marketplace's orders, plan and events, built by the product itself.

`impact demo` (and so `make run`) writes, under DATA_DIR:
- orders/year=YYYY/month=MM/*.parquet: DEMO_ROWS orders, 2022-01..2025-12, 15 countries in five regions, made
  by the order generator with a fixed seed and the demo's events built in (orders really fall after them);
- datasets/illustrative-marketplace/: the plan (operator_plan: monthly and quarterly projections, one
  mid-year revision, annual targets), the events, their sources and the entity; the order path then writes
  the monthly actuals (gmv, net_gmv, orders by country and region) into the same folder.
Everything is labelled illustrative (entity, dataset, sources, notes). A second call with the same settings
finds the orders already generated (the generator's marker holds the settings) and only rewrites the small
plan files; the months are aggregated again only when their figures are missing or older than the orders.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from pipelines.devtools.operator_plan import ILLUSTRATIVE, plan_figures, plan_sources
from pipelines.devtools.orders_generator import (
    GeneratorConfig,
    countries,
    generate_orders,
    planned_orders,
)
from pipelines.orders import layout
from pipelines.orders.build import write_parquet
from pipelines.orders.regions_and_rates import region_paths

ENTITY = "Illustrative Marketplace"
DATASET = "illustrative-marketplace"
EVENTS_SOURCE_ID = "illustrative-events"


@dataclass(frozen=True)
class DemoEvent:
    event_id: str
    country: str
    date: str  # YYYY-MM-DD; orders fall from this day on
    share: float  # share of the country's orders lost after the date
    category: str
    title: str


# A platform ban in one market and a marketplace fee change in another. Both fall after 24 months of history,
# the least the counterfactual model is fitted on (pipelines/effects/counterfactual.py, MIN_PRE_PERIODS),
# and in countries whose siblings (the controls) have no event of their own in the estimation window.
BAN = DemoEvent(
    "ILL-BAN-TH",
    "TH",
    "2024-06-10",
    0.60,
    "ban",
    "Illustrative: the marketplace's app is banned in Thailand (orders fall 60%)",
)
FEE = DemoEvent(
    "ILL-FEE-DE",
    "DE",
    "2024-01-01",
    0.15,
    "other",
    "Illustrative: seller fee raised from 8% to 12% in Germany (sellers delist; GMV falls 15%)",
)
EVENTS = (BAN, FEE)
DEMO_ROWS = 3_000_000
DEMO_CONFIG = GeneratorConfig(
    rows=DEMO_ROWS,
    months=48,
    start="2022-01",
    seed=20_22,
    entity=ENTITY,
    shock_country=BAN.country,
    shock_date=BAN.date,
    shock=BAN.share,
    more_shocks=tuple((e.country, e.date, e.share) for e in EVENTS if e is not BAN),
    projection_bias=0.0,
    dataset=DATASET,
    # a wholesale marketplace: orders 25 times the generator's retail baskets (about 350-1,250 USD), so a
    # quarter's GMV is some 250 million USD and the misses read in millions on the dashboard
    basket_scale=25.0,
)


class DemoError(Exception):
    """The demo cannot be written without overwriting someone's own order data."""


def demo_dataset_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "datasets" / DATASET


def already_generated(data_dir: Path, cfg: GeneratorConfig = DEMO_CONFIG) -> bool:
    """True when DATA_DIR/orders holds the generator's output for exactly these settings, every month."""
    orders = layout.orders_dir(data_dir)
    marker = orders / layout.SYNTHETIC_MARKER
    if not marker.exists():
        return False
    same = json.loads(marker.read_text()) == json.loads(json.dumps(asdict(cfg)))
    return same and len(layout.months_on_disk(orders)) == cfg.months


def write_demo(data_dir: Path, cfg: GeneratorConfig = DEMO_CONFIG, workers: int | None = None) -> dict:
    """Generate the orders unless already there for the same settings, then (re)write the plan files.

    Returns {'generated': bool, 'rows', 'seconds', 'orders', 'dataset'}. DemoError when DATA_DIR/orders holds
    order files that the generator did not write (an operator's own data are never overwritten)."""
    started = time.perf_counter()
    orders, dataset = layout.orders_dir(data_dir), demo_dataset_dir(data_dir)
    generated = not already_generated(data_dir, cfg)
    if generated:
        if layout.months_on_disk(orders) and not layout.is_synthetic(orders):
            raise DemoError(
                f"{orders} holds order files not made by the generator; the demo will not overwrite them "
                "(use another --data-dir)"
            )
        generate_orders(cfg, orders, dataset, workers=workers, write_dataset=False)
    plan = planned_orders(cfg)
    dataset.mkdir(parents=True, exist_ok=True)
    write_parquet(
        plan_figures(plan, countries(cfg), region_paths(), cfg.shocks(), cfg.entity),
        dataset / "figures-plan.parquet",
    )
    _write_csv(dataset / "sources-demo.csv", [*plan_sources(plan, cfg.entity), _events_source()])
    _write_csv(dataset / "events-demo.csv", [_event_row(e, cfg.entity) for e in EVENTS])
    _write_csv(dataset / "entities-demo.csv", [_entity_row(cfg.entity)])
    return {
        "generated": generated,
        "rows": cfg.rows,
        "seconds": round(time.perf_counter() - started, 3),
        "orders": str(orders),
        "dataset": str(dataset),
    }


def months_to_aggregate(data_dir: Path) -> list[str]:
    """Months whose grouped-scan file (order_groups-YYYY-MM.parquet) is missing or older than the month's
    newest order file."""
    from pipelines.orders.build import groups_path

    orders, dataset = layout.orders_dir(data_dir), layout.dataset_dir(data_dir)
    stale = []
    for month in layout.months_on_disk(orders):
        figures = groups_path(dataset, month)
        newest = max(Path(f).stat().st_mtime_ns for f in layout.month_files(orders, month))
        if not figures.exists() or figures.stat().st_mtime_ns < newest:
            stale.append(month)
    return stale


def _events_source() -> dict:
    return {
        "source_id": EVENTS_SOURCE_ID,
        "publisher": f"{ENTITY} (illustrative)",
        "title": f"{ILLUSTRATIVE}: events built into the generated orders",
        "published_on": min(e.date for e in EVENTS),
        "reliability": "internal",
        "note": "Made-up events; the order generator removes the stated share of orders after each date.",
    }


def _event_row(event: DemoEvent, entity: str) -> dict:
    return {
        "event_id": event.event_id,
        "date": event.date,
        "date_end": "",
        "status": "effective",
        "jurisdiction": event.country,
        "category": event.category,
        "title": event.title,
        "entity": entity,
        "source_id": EVENTS_SOURCE_ID,
        "note": f"{ILLUSTRATIVE}: the generator removes {event.share:.0%} of {event.country}'s orders "
        f"from {event.date} on.",
    }


def _entity_row(entity: str) -> dict:
    return {
        "entity": entity,
        "parent": "",
        "fiscal_year_start_month": "1",
        "description": "Illustrative online marketplace of the operator demo: generated orders, "
        "not a real company",
    }


def _write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"_{path.name}.tmp")
    with tmp.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), restval="")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)
