"""The model, the baseline and their evaluation on generated leads with a known signal."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import numpy as np
import pytest

from smarketing.scoring.predictive import (
    ModelSettings,
    NotEnoughOutcomes,
    PredictiveError,
    auc_of,
    baseline_train,
    cross_validate,
    dataset_from_table,
    features_from_values,
    model_train,
    table_parse,
    time_split_evaluate,
)

SOURCES = ["Google", "Direct Traffic", "Olark Chat", "Reference", "Facebook"]
OCCUPATIONS = ["Working Professional", "Student", "Unemployed", "Select"]


def synthetic_leads_csv(*, rows: int = 800, seed: int = 0, signal: bool = True) -> str:
    """Leads like a web-form export (CRLF, quoted commas, "Select", identifier columns) whose
    outcome depends on time on site, source and occupation, and, where the trees must beat a
    straight line, on a threshold interaction of visits and source."""
    rng = np.random.default_rng(seed)
    minutes = rng.exponential(8.0, rows)
    visits = rng.poisson(3, rows)
    source = rng.choice(SOURCES, rows)
    occupation = rng.choice(OCCUPATIONS, rows, p=[0.3, 0.2, 0.3, 0.2])
    logit = (
        -1.2
        + 0.18 * minutes
        + 1.4 * (source == "Reference")
        - 1.3 * (occupation == "Student")
        + 1.5 * ((visits >= 4) & (source == "Olark Chat"))
    )
    chance = 1 / (1 + np.exp(-logit)) if signal else np.full(rows, 0.4)
    converted = rng.random(rows) < chance
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["Prospect ID", "Lead Number", "Lead Source", "Occupation", "City", "TotalVisits",
         "Minutes on Website", "Magazine", "Created", "Converted"]
    )  # fmt: skip
    start = date(2024, 1, 1)
    for i in range(rows):
        writer.writerow(
            [
                f"{rng.integers(16**8):08x}-{i:05d}",
                660000 + i * 3,
                source[i],
                occupation[i],
                rng.choice(["Mumbai, India", "Pune", "Select"]),
                visits[i] if rng.random() > 0.05 else "",
                f"{minutes[i]:.1f}",
                "No",
                (start + timedelta(days=i * 365 // rows)).isoformat(),
                int(converted[i]),
            ]
        )
    return out.getvalue()


def synthetic_dataset(**kwargs):
    table = table_parse(synthetic_leads_csv(**kwargs), source="leads.csv")
    return dataset_from_table(table, target="Converted", drop=["Created"])


@pytest.fixture(scope="module")
def leads():
    return synthetic_dataset()


@pytest.fixture(scope="module")
def validated(leads):
    return cross_validate(leads.features, leads.y, folds=5, seed=0, factors=True)


def test_generated_table_is_read_with_identifiers_and_constants_left_out(leads):
    assert {c.name for c in leads.left_out} == {"Prospect ID", "Lead Number", "Magazine"}
    assert leads.features.names == (
        "Lead Source", "Occupation", "City", "TotalVisits", "Minutes on Website"
    )  # fmt: skip
    city = leads.features.columns[2]
    assert "Mumbai, India" in city.values.tolist() and None in city.values.tolist()


def test_model_finds_the_signal_and_the_baseline_is_scored_beside_it(leads, validated):
    assert validated.rows == 800 and validated.positives == int(leads.y.sum())
    assert validated.model.auc > 0.7
    assert 0.6 < validated.baseline.auc <= 1
    base_rate = leads.y.mean()
    assert validated.model.brier < base_rate * (1 - base_rate)  # better than the base rate
    assert len(validated.model_folds) == len(validated.baseline_folds) == 5


def test_model_beats_the_straight_line_on_an_interaction():
    # The outcome hangs on visits >= 5 together with the source: an interaction a logistic
    # regression on the raw columns cannot express.
    rng = np.random.default_rng(3)
    rows = 1200
    visits = rng.integers(0, 10, rows)
    source = rng.choice(["a", "b", "c"], rows)
    y = (rng.random(rows) < np.where((visits >= 5) == (source == "a"), 0.8, 0.2)).astype(np.int8)
    features = features_from_values({"visits": visits.tolist(), "source": source.tolist()})

    result = cross_validate(features, y)

    assert result.model.auc > result.baseline.auc + 0.1


def test_lift_and_calibration_cover_every_row(leads, validated):
    assert [b.decile for b in validated.lift] == list(range(1, 11))
    assert sum(b.rows for b in validated.lift) == 800
    assert validated.lift[0].lift > 1.5 > validated.lift[-1].lift
    assert validated.lift[-1].captured == pytest.approx(1.0)
    assert sum(b.rows for b in validated.calibration) == 800
    for b in validated.calibration:
        assert b.low <= b.predicted <= b.high


def test_top_factors_name_the_columns_that_carry_the_signal(validated):
    names = [f.name for f in validated.factors]
    assert set(names[:2]) == {"Minutes on Website", "Lead Source"}
    assert validated.factors[0].importance > 0.05
    city = next(f for f in validated.factors if f.name == "City")
    assert abs(city.importance) < 0.02


def test_probabilities_are_never_exactly_0_or_1():
    # The outcome is written in a column: a perfectly separable table.
    y = np.array([0, 1] * 100, dtype=np.int8)
    features = features_from_values({"leak": y.tolist(), "noise": list(range(200))})

    model = model_train(features, y)
    baseline = baseline_train(features, y)

    for trained in (model, baseline):
        p = trained.predict(features)
        assert p.min() >= 0.001 and p.max() <= 0.999
        assert p.min() > 0 and p.max() < 1


@pytest.mark.parametrize("method", ["isotonic", "sigmoid"])
def test_calibrated_trees_also_stay_strictly_between_0_and_1(leads, method):
    model = model_train(leads.features, leads.y, settings=ModelSettings(calibration=method))

    p = model.predict(leads.features)

    assert type(model.estimator).__name__ == "CalibratedClassifierCV"
    assert p.min() >= 0.001 and p.max() <= 0.999
    assert auc_of(leads.y, p) > 0.7


def test_on_a_table_without_signal_the_model_predicts_about_the_base_rate():
    data = synthetic_dataset(rows=1000, signal=False)

    model = model_train(data.features, data.y)
    p = model.predict(data.features)

    assert np.ptp(p) < 0.2
    assert abs(p.mean() - data.y.mean()) < 0.05


def test_a_single_class_is_refused_with_the_reason():
    features = features_from_values({"visits": list(range(100))})
    with pytest.raises(NotEnoughOutcomes, match=r"all 100 training rows have the same outcome"):
        model_train(features, np.zeros(100, dtype=np.int8))


def test_too_few_positives_are_refused_and_the_minimum_is_configurable():
    y = np.array([1] * 12 + [0] * 88, dtype=np.int8)
    features = features_from_values({"visits": list(range(100))})

    with pytest.raises(NotEnoughOutcomes, match=r"only 12 positive outcomes .*at least 30") as e:
        cross_validate(features, y)
    assert (e.value.positives, e.value.negatives) == (12, 88)
    assert cross_validate(features, y, settings=ModelSettings(min_outcomes=10)).rows == 100


def test_cross_validation_needs_two_folds():
    features = features_from_values({"visits": list(range(100))})
    with pytest.raises(PredictiveError, match="at least 2 folds"):
        cross_validate(features, np.array([0, 1] * 50, dtype=np.int8), folds=1)


def test_unseen_and_rare_categories_are_pooled_at_prediction(leads):
    model = model_train(leads.features, leads.y)
    rows = features_from_values(
        {
            "Lead Source": ["Google", "Carrier pigeon"],
            "Occupation": ["Student", None],
            "City": ["Pune", "Atlantis"],
            "TotalVisits": [3, None],
            "Minutes on Website": [5.0, 30.0],
        },
        kinds=model.kinds,
    )

    p = model.predict(rows)

    assert p.shape == (2,) and np.all((p > 0) & (p < 1))
    assert p[1] > p[0]  # long visit, not a student


def test_prediction_needs_the_columns_the_model_was_trained_on(leads):
    model = model_train(leads.features, leads.y)
    with pytest.raises(PredictiveError, match=r"lack the model's columns: .*Minutes on Website"):
        model.predict(features_from_values({"Lead Source": ["Google"]}))


def test_time_split_trains_on_older_rows_and_evaluates_on_newer_ones():
    text = synthetic_leads_csv(rows=1000, seed=5)
    table = table_parse(text, source="leads.csv")
    data = dataset_from_table(table, target="Converted", drop=["Created"])
    dates = [date.fromisoformat(row[8]) for row in table.rows]

    result = time_split_evaluate(data.features, data.y, dates=dates, test_share=0.25)

    assert result.train_rows + result.test_rows == 1000
    assert 200 <= result.test_rows <= 300
    newer = {dates[i] for i in result.test_index}
    older = set(dates) - newer
    assert max(older) < result.cutoff.date() <= min(newer)
    assert result.model.auc > 0.7 and result.baseline.auc > 0.6
    assert result.factors[0].name in {"Minutes on Website", "Lead Source"}
    assert auc_of(data.y[result.test_index], result.test_probabilities) == pytest.approx(
        result.model.auc
    )


def test_time_split_refuses_a_hold_out_without_enough_outcomes(leads):
    dates = [date(2024, 1, 1)] * (leads.rows - 5) + [date(2024, 6, 1)] * 5
    with pytest.raises(NotEnoughOutcomes, match="too few newer rows to evaluate on"):
        time_split_evaluate(leads.features, leads.y, dates=dates, cutoff=date(2024, 6, 1))
    with pytest.raises(NotEnoughOutcomes, match="no rows before 2024-01-01"):
        time_split_evaluate(leads.features, leads.y, dates=dates, cutoff=date(2024, 1, 1))
