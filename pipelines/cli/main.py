"""The `impact` command line: one Click group; each command family lives in its own module here.

Command modules import heavy subsystems (Dagster, statsmodels, numpy generators) inside the commands, so
`impact --help` and `impact sql` start fast."""

from __future__ import annotations

import warnings

import click

from pipelines.cli import demo, devtools, effects, layouts, report, serve, warehouse

# Dagster flags beta parameters (backfill_policy) on every import: noise for someone running a command.
warnings.filterwarnings("ignore", message=r".*is currently in beta.*")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Business-impact metrics: actuals against expectations, by region and period, with events."""


for command in (
    warehouse.run,
    warehouse.validate,
    warehouse.sql,
    warehouse.bridge,
    serve.dashboard,
    serve.serve,
    effects.effect,
    effects.explain,
    report.report,
    devtools.generate,
    demo.demo,
    devtools.bench,
    layouts.import_,
    layouts.layout,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
