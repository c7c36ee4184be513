"""Errors of the predictive modelling core (plain Python: no Django, so no InvalidInput)."""

from __future__ import annotations


class PredictiveError(ValueError):
    """Bad input to the modelling core; the message says what was wrong and where."""


class TableError(PredictiveError):
    """The table cannot be read or a named column does not exist."""


class NotEnoughOutcomes(PredictiveError):
    """Too few positive or negative outcomes to train or evaluate a model honestly."""

    def __init__(self, reason: str, *, positives: int, negatives: int) -> None:
        self.reason = reason
        self.positives = positives
        self.negatives = negatives
        super().__init__(reason)
