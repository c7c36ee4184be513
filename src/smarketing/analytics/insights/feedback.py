"""What sales said about the leads of a segment: top rejection reasons and the average rating.

Plain Python, no Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# How many reasons an insight shows.
TOP_REASONS = 3


@dataclass(frozen=True, slots=True)
class LeadVerdicts:
    """One lead's feedback: the reasons of sales' rejections and disqualifications (labels)
    and its 1-5 ratings."""

    reasons: tuple[str, ...] = ()
    ratings: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedbackSummary:
    reasons: tuple[tuple[str, int], ...]  # (label, how many times), most given first
    rejected: int  # leads of the segment sales rejected or disqualified at least once
    rating: float | None  # mean rating of the segment's leads
    ratings: int
    rest_rating: float | None  # mean rating of the other leads
    rest_ratings: int

    def as_dict(self) -> dict[str, object]:
        return {
            "reasons": [{"reason": label, "count": count} for label, count in self.reasons],
            "rejected": self.rejected,
            "rating": None if self.rating is None else round(self.rating, 2),
            "ratings": self.ratings,
            "rest_rating": None if self.rest_rating is None else round(self.rest_rating, 2),
            "rest_ratings": self.rest_ratings,
        }


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def feedback_summarize(
    *, members: Sequence[int], verdicts: Sequence[LeadVerdicts], top: int = TOP_REASONS
) -> FeedbackSummary:
    """The feedback on leads `members` (indexes into `verdicts`) against the other leads'."""
    inside = set(members)
    reasons: Counter[str] = Counter()
    ratings_in: list[int] = []
    ratings_out: list[int] = []
    rejected = 0
    for i, verdict in enumerate(verdicts):
        if i in inside:
            reasons.update(verdict.reasons)
            rejected += bool(verdict.reasons)
            ratings_in.extend(verdict.ratings)
        else:
            ratings_out.extend(verdict.ratings)
    # Most given first; ties in label order, so the summary is the same every run.
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[:top]
    return FeedbackSummary(
        reasons=tuple(ranked),
        rejected=rejected,
        rating=_mean(ratings_in),
        ratings=len(ratings_in),
        rest_rating=_mean(ratings_out),
        rest_ratings=len(ratings_out),
    )
