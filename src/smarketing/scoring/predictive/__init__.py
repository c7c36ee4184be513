"""Predictive scoring: a model learned from a company's own outcomes, and honest figures of
how good it is. Plain Python, numpy and scikit-learn; no Django, and nothing prints.

    table = table_read("leads.csv")
    data = dataset_from_table(table, target="Converted", drop=["Tags"])
    result = cross_validate(data.features, data.y)   # result.model.auc, result.baseline.auc
"""

from smarketing.scoring.predictive.columns import (
    Column,
    ColumnKind,
    Features,
    LeftOut,
    features_from_cells,
    features_from_values,
)
from smarketing.scoring.predictive.dataset import Dataset, dataset_from_table
from smarketing.scoring.predictive.errors import NotEnoughOutcomes, PredictiveError, TableError
from smarketing.scoring.predictive.evaluate import (
    CrossValidation,
    Factor,
    HoldOut,
    cross_validate,
    factors_of,
    time_split_evaluate,
)
from smarketing.scoring.predictive.metrics import (
    CalibrationBin,
    LiftBin,
    Scores,
    auc_of,
    calibration_bins,
    lift_by_decile,
    scores_of,
)
from smarketing.scoring.predictive.model import (
    ModelSettings,
    TrainedModel,
    baseline_train,
    model_train,
    outcomes_check,
)
from smarketing.scoring.predictive.table import RawTable, table_parse, table_read

__all__ = [
    "CalibrationBin",
    "Column",
    "ColumnKind",
    "CrossValidation",
    "Dataset",
    "Factor",
    "Features",
    "HoldOut",
    "LeftOut",
    "LiftBin",
    "ModelSettings",
    "NotEnoughOutcomes",
    "PredictiveError",
    "RawTable",
    "Scores",
    "TableError",
    "TrainedModel",
    "auc_of",
    "baseline_train",
    "calibration_bins",
    "cross_validate",
    "dataset_from_table",
    "factors_of",
    "features_from_cells",
    "features_from_values",
    "lift_by_decile",
    "model_train",
    "outcomes_check",
    "scores_of",
    "table_parse",
    "table_read",
    "time_split_evaluate",
]
