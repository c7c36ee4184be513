"""One ChannelAttribution run on a paths file, as a whole process: what an analyst runs.

    python bench/attribution_peer.py FILE markov|heuristics

Imports pandas and ChannelAttribution, reads the file with pandas, runs `markov_model` (all its
defaults: order 1, nsim_start 1e5, convergence 5%, one core, seed 0) or `heuristic_models`, and
prints one JSON line: the credit per channel and the time of the read and of the call. Its
banners go to stderr. The parent times the whole process.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time

started = time.perf_counter()
with contextlib.redirect_stdout(sys.stderr):
    import pandas as pd
    from ChannelAttribution import heuristic_models, markov_model


def main() -> None:
    path, mode = sys.argv[1], sys.argv[2]
    imported = time.perf_counter()
    data = pd.read_csv(path)
    read = time.perf_counter()
    value = "total_conversion_value" if "total_conversion_value" in data.columns else None
    with contextlib.redirect_stdout(sys.stderr):
        if mode == "markov":
            result = markov_model(
                data, "path", "total_conversions", var_value=value, var_null="total_null"
            )
        else:
            result = heuristic_models(data, "path", "total_conversions", var_value=value)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "import_s": imported - started,
                "read_s": read - imported,
                "call_s": done - read,
                "credit": _credit(result, mode=mode),
            }
        )
    )


def _credit(result: pd.DataFrame, *, mode: str) -> dict[str, dict[str, float]]:
    """Model -> channel -> attributed conversions."""
    channels = list(result["channel_name"])
    if mode == "markov":
        return {"markov": dict(zip(channels, result["total_conversions"], strict=True))}
    credit = {}
    for model in ("first_touch", "last_touch", "linear_touch"):
        column = model if model in result.columns else f"{model}_conversions"
        credit[model] = dict(zip(channels, result[column], strict=True))
    return credit


if __name__ == "__main__":
    main()
