"""The predictive model's page: hold-out figures beside the baseline and the rule score, the
calibration plot and lift by decile (inline SVG), top factors and the history of trainings."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from smarketing.errors import InvalidInput
from smarketing.org import permissions
from smarketing.scoring import modelling, training
from smarketing.scoring.models import ModelStatus, PredictiveModel
from smarketing.web.guard import guarded

SECTION = "scoring:definition"
# Plot area of both charts, in SVG user units, inside a margin for the axis labels.
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 320, 220, 40, 30, 10


def _ceiling(value: float) -> float:
    """The axis top: the next tenth above `value` (at least 0.1, at most 1)."""
    return min(1.0, max(0.1, math.ceil(value * 10 - 1e-9) / 10))


def _x(value: float, top: float) -> float:
    return round(LEFT + value / top * (WIDTH - LEFT - 10), 1)


def _y(value: float, top: float) -> float:
    return round(TOP + (1 - value / top) * (HEIGHT - TOP - BOTTOM), 1)


def _ticks(top: float) -> list[dict[str, Any]]:
    steps = [top * i / 4 for i in range(5)]
    return [
        {"label": f"{v:.0%}" if top >= 0.4 else f"{v:.1%}", "x": _x(v, top), "y": _y(v, top)}
        for v in steps
    ]


def calibration_chart(bins: list[dict[str, Any]]) -> dict[str, Any]:
    """Predicted (x) against observed (y) share per bin; a calibrated model sits on the diagonal.
    Dot areas follow the bins' rows."""
    top = _ceiling(max([b["predicted"] for b in bins] + [b["observed"] for b in bins] + [0.0]))
    most = max((b["rows"] for b in bins), default=1)
    points = [
        {
            "x": _x(b["predicted"], top),
            "y": _y(min(b["observed"], top), top),
            "r": round(2.5 + 5 * math.sqrt(b["rows"] / most), 1),
            "title": f"{b['rows']} leads: predicted {b['predicted']:.1%}, "
            f"observed {b['observed']:.1%}",
        }
        for b in bins
    ]
    return {
        "points": points,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "diagonal": {"x1": _x(0, top), "y1": _y(0, top), "x2": _x(top, top), "y2": _y(top, top)},
        "ticks": _ticks(top),
    }


def lift_chart(bins: list[dict[str, Any]], *, overall: float) -> dict[str, Any]:
    """Share of positives per tenth of the hold-out, best-scored tenth first; the line is the
    overall share (what random ordering would give every tenth)."""
    top = _ceiling(max([b["rate"] for b in bins] + [overall]))
    slot = (WIDTH - LEFT - 10) / 10
    bars = [
        {
            "x": round(LEFT + (b["decile"] - 1) * slot + 3, 1),
            "y": _y(b["rate"], top),
            "width": round(slot - 6, 1),
            "height": round(_y(0, top) - _y(b["rate"], top), 1),
            "label": str(b["decile"]),
            "label_x": round(LEFT + (b["decile"] - 0.5) * slot, 1),
            "title": f"tenth {b['decile']}: {b['positives']} of {b['rows']} "
            f"({b['rate']:.1%}, lift {b['lift']:.1f}×)",
        }
        for b in bins
    ]
    return {"bars": bars, "overall_y": _y(overall, top), "ticks": _ticks(top), "base_y": _y(0, top)}


def _figures(model: PredictiveModel) -> dict[str, Any]:
    metrics = model.metrics
    test = metrics["test"]
    overall = test["positives"] / test["rows"] if test["rows"] else 0.0
    factors = metrics.get("factors", [])
    strongest = max((f["importance"] for f in factors), default=0.0) or 1.0
    return {
        "metrics": metrics,
        "calibration": calibration_chart(metrics.get("calibration", [])),
        "lift": lift_chart(metrics.get("lift", []), overall=overall),
        "lift_rows": metrics.get("lift", []),
        "overall": overall,
        "factors": [
            f | {"bar": round(max(f["importance"], 0.0) / strongest * 100, 1)} for f in factors
        ],
        "width": WIDTH,
        "height": HEIGHT,
        "plot_left": LEFT,
        "plot_right": WIDTH - 10,
        "plot_bottom": HEIGHT - BOTTOM,
    }


@guarded("definition.view")
def model_page(request: HttpRequest) -> HttpResponse:
    history = modelling.models_history()
    newest = history[0] if history else None
    current = modelling.model_current()
    context: dict[str, Any] = {
        "newest": newest,
        "current": current,
        "history": history,
        "can_train": permissions.can(request.user, "model.train"),
        "default_window": training.DEFAULT_WINDOW_DAYS,
        "section": SECTION,
    }
    if current is not None:
        context |= _figures(current)
    return render(request, "scoring/model.html", context)


@require_POST
@guarded("model.train")
def model_train(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("window_days", "").strip() or str(training.DEFAULT_WINDOW_DAYS)
    try:
        if not raw.isdigit():
            raise InvalidInput(
                f"the window must be a whole number of days, not {raw!r}", field="window_days"
            )
        model = modelling.model_train_run(window_days=int(raw), by_user=request.user)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect("scoring:model")
    if model.status == ModelStatus.REFUSED:
        messages.error(request, f"Training refused. {model.reason} The rule score stands alone.")
    else:
        auc = model.metrics["model"]["auc"]
        messages.success(
            request, f"Model trained on {model.rows:,} leads; hold-out ROC AUC {auc:.3f}."
        )
    return redirect("scoring:model")
