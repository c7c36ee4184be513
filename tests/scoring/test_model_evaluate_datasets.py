"""`model evaluate` on the public datasets in ../shared/datasets (beside the repository; never
copied into it, their licences are unknown). Skipped where that folder is absent; about 15 s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smarketing import cli
from smarketing.scoring.predictive import cross_validate, dataset_from_table, table_read

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
LEADS = DATASETS / "leads_x_education" / "Leads.csv"
PIPELINE = DATASETS / "crm_sales_opportunities" / "sales_pipeline.csv"
# Filled in by the sales team after contacting the lead: they leak the outcome.
LEAKING = ["Tags", "Lead Quality", "Lead Profile", "Last Notable Activity"]
STRICT = [
    *LEAKING,
    "Last Activity",
    "Asymmetrique Activity Index",
    "Asymmetrique Profile Index",
    "Asymmetrique Activity Score",
    "Asymmetrique Profile Score",
]

pytestmark = pytest.mark.skipif(
    not LEADS.exists() or not PIPELINE.exists(), reason=f"no datasets at {DATASETS}"
)


def test_leads_without_leaking_columns_reach_the_reference_figures():
    cli.register_plugins_once()
    args = ["model", "evaluate", "--csv", str(LEADS), "--target", "Converted", "--format", "json"]
    result = CliRunner().invoke(cli.app, [*args, "--drop", *LEAKING])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert (figures["rows"], figures["positives"]) == (9240, 3561)
    assert figures["model"]["auc"] >= 0.92
    assert figures["model"]["brier"] <= 0.11
    assert figures["model"]["auc"] >= figures["baseline"]["auc"]
    assert figures["model"]["brier"] <= figures["baseline"]["brier"]


@pytest.mark.parametrize(
    ("path", "options"),
    [
        (LEADS, {"target": "Converted", "drop": STRICT}),
        (LEADS, {"target": "Converted"}),
        (
            PIPELINE,
            {
                "target": "deal_stage",
                "positive": "Won",
                "negative": ["Lost"],
                "drop": ["close_value", "close_date"],
            },
        ),
    ],
    ids=["leads-strict", "leads-all-columns", "crm-won-vs-lost"],
)
def test_model_is_never_worse_than_its_baseline(path, options):
    data = dataset_from_table(table_read(path), **options)

    result = cross_validate(data.features, data.y)

    assert result.model.auc >= result.baseline.auc
    assert result.model.brier <= result.baseline.brier
