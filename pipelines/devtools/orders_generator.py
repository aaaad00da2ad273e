"""Synthetic order data at high speed: Hive-partitioned Parquet plus the matching monthly projections.

Every month is generated from its own seed (seed, year, month), so output does not depend on how months are
spread over worker processes. Volumes follow a country mix, calendar seasonality and per-country growth; a
shock after an event date cuts one country's orders; some rows can be made deliberately bad.
Amounts are drawn in USD and written in the country's currency at the month's rate (`monthly_rates`).
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.orders import layout
from pipelines.orders.aggregate import DEFAULT_ENTITY, rates_for_month
from pipelines.orders.months import month_start, next_month
from pipelines.orders.regions_and_rates import monthly_rates, region_paths

# code, currency, share of orders, mean basket (USD), cancelled share, refunded share, yearly growth
COUNTRIES = pl.DataFrame(
    [
        ("US", "USD", 30, 45, 0.06, 0.08, 0.35),
        ("GB", "GBP", 8, 38, 0.05, 0.09, 0.20),
        ("ID", "IDR", 14, 14, 0.08, 0.05, 0.30),
        ("TH", "THB", 9, 16, 0.07, 0.05, 0.30),
        ("MY", "MYR", 6, 18, 0.06, 0.05, 0.25),
        ("PH", "PHP", 7, 12, 0.08, 0.05, 0.40),
        ("SG", "SGD", 2, 40, 0.04, 0.06, 0.15),
        ("MX", "MXN", 5, 25, 0.09, 0.06, 0.45),
        ("BR", "BRL", 4, 22, 0.09, 0.07, 0.40),
        ("DE", "EUR", 3, 42, 0.04, 0.10, 0.25),
        ("FR", "EUR", 2, 40, 0.04, 0.09, 0.25),
        ("ES", "EUR", 2, 35, 0.05, 0.09, 0.30),
        ("JP", "JPY", 3, 50, 0.03, 0.04, 0.20),
        ("CA", "CAD", 3, 40, 0.06, 0.08, 0.30),
        ("AU", "AUD", 2, 42, 0.05, 0.07, 0.25),
    ],
    schema=["country", "currency", "share", "basket_usd", "cancelled", "refunded", "growth"],
    orient="row",
)
# Calendar seasonality (Jan..Dec): quiet after the holidays, peaks for 11.11, Black Friday and December.
SEASONALITY = np.array([0.92, 0.85, 0.95, 0.95, 1.0, 1.02, 1.05, 1.0, 1.0, 1.05, 1.3, 1.35])
CATEGORIES = ["beauty", "fashion", "electronics", "home", "food", "toys", "sports", "books"]
SHIPPED_SHARE = 0.03  # a status other than completed/refunded/cancelled: counts in gmv and net_gmv
AMOUNT_SIGMA = 0.6  # lognormal spread of basket values; the mean stays at basket_usd
BAD_VALUES = {"unknown_country": "UK", "unknown_currency": "RMB"}  # classic mistakes: GB, CNY


@dataclass(frozen=True)
class GeneratorConfig:
    rows: int
    months: int
    start: str  # 'YYYY-MM'
    seed: int = 0
    entity: str = DEFAULT_ENTITY
    shock_country: str = "CA"
    shock_date: str = "2024-11-06"  # Canada orders TikTok's Canadian business wound up
    shock: float = 0.25  # share of the country's orders lost after the date
    bad_rows_share: float = 0.0
    # Bad rows fall in the last `bad_rows_window` share of each month's rows in time order: 1.0 spreads them
    # over the whole month (every row group gets some); 0.1 makes them a burst, as a faulty batch would.
    bad_rows_window: float = 1.0
    rows_per_file: int = 4_000_000
    row_group_size: int = 1_000_000
    projection_bias: float = 0.02  # planners were this much too optimistic
    # further shocks as (country, YYYY-MM-DD, share lost); at most one per country (with the one above)
    more_shocks: tuple[tuple[str, str, float], ...] = ()
    dataset: str = layout.DEFAULT_DATASET  # the dataset folder the orders path writes its figures into
    basket_scale: float = (
        1.0  # multiplies every country's mean basket (a wholesale marketplace: larger orders)
    )

    def shocks(self) -> dict[str, tuple[date, float]]:
        """Country -> (event date, share of orders lost after it); ValueError for two shocks in one country."""
        found: dict[str, tuple[date, float]] = {}
        listed = [(self.shock_country, self.shock_date, self.shock), *self.more_shocks]
        for country, day, share in listed:
            if share <= 0:
                continue
            if country in found:
                raise ValueError(f"two shocks for {country}: the generator takes at most one per country")
            found[country] = (date.fromisoformat(day), float(share))
        return found


def month_labels(start: str, months: int) -> list[str]:
    first, labels = month_start(start), []
    for _ in range(months):
        labels.append(first.strftime("%Y-%m"))
        first = next_month(first)
    return labels


def _post_event_share(event: date, month: str) -> float:
    """Share of the month's time after the event date (0 before, 1 for later months)."""
    first, end = month_start(month), next_month(month_start(month))
    if event <= first:
        return 1.0
    if event >= end:
        return 0.0
    return (end - event).days / (end - first).days


def planned_orders(cfg: GeneratorConfig) -> pl.DataFrame:
    """Orders per month and country: expected (no shock) and generated (with shock), summing to cfg.rows."""
    rows, shocks = [], cfg.shocks()
    for t, month in enumerate(month_labels(cfg.start, cfg.months)):
        season = SEASONALITY[int(month[5:]) - 1]
        for c in COUNTRIES.iter_rows(named=True):
            expected = c["share"] * season * (1 + c["growth"]) ** (t / 12)
            hit = 1.0
            if c["country"] in shocks:
                event, share = shocks[c["country"]]
                hit = 1 - share * _post_event_share(event, month)
            rows.append(
                {"month": month, "country": c["country"], "expected": expected, "weight": expected * hit}
            )
    plan = pl.DataFrame(rows)
    scale = cfg.rows / plan["weight"].sum()
    plan = plan.with_columns(pl.col("expected", "weight") * scale)
    # Largest-remainder rounding so the counts add up to exactly cfg.rows.
    floor = plan["weight"].floor().cast(pl.Int64)
    short = cfg.rows - int(floor.sum())
    order = (plan["weight"] - floor).arg_sort(descending=True)[:short]
    bump = np.zeros(plan.height, dtype=np.int64)
    bump[order.to_numpy()] = 1
    return plan.with_columns(n=floor + bump)


def _dictionary(indices: np.ndarray, values: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int8)), pa.array(values))


def _timestamps(rng, n: int, month: str, shock: tuple[date, float] | None) -> np.ndarray:
    """Microseconds since epoch, uniform in the month; for a shocked country (shock: event date, share lost)
    in the event month the density after the event date is (1 - share)."""
    first = datetime.combine(month_start(month), datetime.min.time(), UTC)
    end = datetime.combine(next_month(month_start(month)), datetime.min.time(), UTC)
    span = int((end - first).total_seconds() * 1_000_000)
    u = rng.random(n)
    post = _post_event_share(shock[0], month) if shock else 0.0
    if 0 < post < 1:
        pre, kept = 1 - post, 1 - shock[1]
        mass = u * (pre + post * kept)
        u = np.where(mass < pre, mass, pre + (mass - pre) / kept)
    return int(first.timestamp() * 1_000_000) + (u * span).astype(np.int64)


def month_table(cfg: GeneratorConfig, month: str, plan: pl.DataFrame, order_id_start: int) -> pa.Table:
    """One month of orders as an Arrow table, deterministic for (seed, month)."""
    rng = np.random.default_rng([cfg.seed, int(month[:4]), int(month[5:])])
    counts = plan.filter(pl.col("month") == month).join(COUNTRIES, on="country", maintain_order="left")
    rates = rates_for_month(monthly_rates(), month)
    usd_per_unit = dict(zip(rates["currency"], rates["usd_per_unit"], strict=True))
    n_by_country = counts["n"].to_numpy()
    country_idx = np.repeat(np.arange(counts.height), n_by_country)
    n = int(n_by_country.sum())
    shocks = cfg.shocks()
    ts = np.concatenate(
        [
            _timestamps(rng, int(k), month, shocks.get(code))
            for code, k in zip(counts["country"], n_by_country, strict=True)
        ]
    )
    order = np.argsort(ts, kind="stable")  # order data arrives in time order
    ts, country_idx = ts[order], country_idx[order]
    basket = counts["basket_usd"].to_numpy()[country_idx] * cfg.basket_scale
    to_local = 1 / np.array([usd_per_unit[c] for c in counts["currency"]])[country_idx]
    amount_usd = basket * rng.lognormal(-(AMOUNT_SIGMA**2) / 2, AMOUNT_SIGMA, n)
    amount = np.round(amount_usd * to_local, 2)
    u = rng.random(n)
    cancelled, refunded = (
        counts["cancelled"].to_numpy()[country_idx],
        counts["refunded"].to_numpy()[country_idx],
    )
    status_idx = np.where(
        u < cancelled,
        2,
        np.where(u < cancelled + refunded, 1, np.where(u < cancelled + refunded + SHIPPED_SHARE, 3, 0)),
    )
    currencies = sorted(set(counts["currency"]))
    currency_idx = np.array([currencies.index(c) for c in counts["currency"]])[country_idx]
    countries = counts["country"].to_list()
    amount_valid = np.ones(n, dtype=bool)
    if cfg.bad_rows_share > 0:
        window = max(round(n * cfg.bad_rows_window), round(n * cfg.bad_rows_share))
        bad = n - window + rng.choice(window, size=round(n * cfg.bad_rows_share), replace=False)
        kind = np.arange(bad.size) % 4
        amount_valid[bad[kind == 0]] = False
        country_idx[bad[kind == 1]] = len(countries)
        currency_idx[bad[kind == 2]] = len(currencies)
        ts[bad[kind == 3]] = (
            int(datetime.combine(month_start(month), datetime.min.time(), UTC).timestamp() * 1e6) - 1
        )
        countries, currencies = (
            [*countries, BAD_VALUES["unknown_country"]],
            [*currencies, BAD_VALUES["unknown_currency"]],
        )
    return pa.table(
        {
            "order_id": pa.array(np.arange(order_id_start, order_id_start + n, dtype=np.int64)),
            "ordered_at": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "country": _dictionary(country_idx, countries),
            "currency": _dictionary(currency_idx, currencies),
            "amount": pa.array(amount, mask=~amount_valid),
            "status": _dictionary(status_idx, ["completed", "refunded", "cancelled", "shipped"]),
            "entity": _dictionary(np.zeros(n), [cfg.entity]),
            "category": _dictionary(rng.integers(0, len(CATEGORIES), n), CATEGORIES),
        }
    )


def write_month(cfg: GeneratorConfig, month: str, plan: pl.DataFrame, order_id_start: int, out: Path) -> int:
    """Replace the month's folder with freshly generated files; returns the number of rows written."""
    table = month_table(cfg, month, plan, order_id_start)
    folder = Path(out) / f"year={month[:4]}" / f"month={month[5:]}"
    tmp = folder.with_name(f"_{folder.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for part, offset in enumerate(range(0, max(table.num_rows, 1), cfg.rows_per_file)):
        chunk = table.slice(offset, cfg.rows_per_file)
        pq.write_table(
            chunk, tmp / f"part-{part:05d}.parquet", row_group_size=cfg.row_group_size, compression="snappy"
        )
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return table.num_rows


def generate_orders(
    cfg: GeneratorConfig,
    out: Path,
    dataset: Path,
    workers: int | None = None,
    progress=None,
    write_dataset: bool = True,
) -> dict:
    """Write cfg.months of orders under out/ and (unless write_dataset is False: a caller writing its own
    plan, such as the operator demo) the projections/events/sources under dataset/."""
    out, dataset = Path(out), Path(dataset)
    out.mkdir(parents=True, exist_ok=True)
    plan = planned_orders(cfg)
    per_month = plan.group_by("month", maintain_order=True).agg(pl.col("n").sum())
    starts = np.concatenate([[0], np.cumsum(per_month["n"].to_numpy())[:-1]])
    written = 0
    # Threads, not processes: NumPy's generators and Parquet writing release the GIL, and forking a process
    # that runs Polars' thread pool can deadlock the children.
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        futures = [
            pool.submit(write_month, cfg, month, plan, int(start), out)
            for month, start in zip(per_month["month"], starts, strict=True)
        ]
        for future in futures:
            rows = future.result()
            written += rows
            if progress:
                progress(rows)
    (out / layout.SYNTHETIC_MARKER).write_text(json.dumps(asdict(cfg), indent=2) + "\n")
    if write_dataset:
        write_projections(cfg, plan, dataset)
    return {"rows": written, "months": cfg.months, "out": str(out), "dataset": str(dataset)}


def write_projections(cfg: GeneratorConfig, plan: pl.DataFrame, dataset: Path) -> None:
    from pipelines.orders.projections import projection_figures, write_projection_dataset

    write_projection_dataset(cfg, projection_figures(cfg, plan, countries(cfg), region_paths()), dataset)


def countries(cfg: GeneratorConfig) -> pl.DataFrame:
    """COUNTRIES with the mean baskets the config draws from (basket_usd times basket_scale)."""
    return COUNTRIES.with_columns(pl.col("basket_usd") * cfg.basket_scale)
