"""Every analytics chart as a file to download: SVG (the page's own drawing, standalone, with
its title) and PNG (that SVG rasterised by vl-convert, which needs no browser), for slides,
emails and the weekly report."""

from __future__ import annotations

import re

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from smarketing.analytics.funnel.charts import Chart

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
MARGIN = 16
PNG_SCALE = 2  # sharp on high-density screens and in slides


def chart_svg(*, chart: Chart, title: str, subtitle: str = "") -> str:
    top = MARGIN + (44 if subtitle else 26)
    return render_to_string(
        "analytics/_chart_file.svg",
        {
            "chart": chart,
            "title": title,
            "subtitle": subtitle,
            "margin": MARGIN,
            "top": top,
            "width": chart.width + 2 * MARGIN,
            "height": chart.height + top + MARGIN,
        },
    )


def chart_png(svg: str) -> bytes:
    import vl_convert  # a 30 MB extension: loaded only when a PNG is asked for

    return bytes(vl_convert.svg_to_png(svg, scale=PNG_SCALE))


def chart_download(
    *, chart: Chart | None, fmt: str, title: str, name: str, subtitle: str = ""
) -> HttpResponse:
    """The chart as an attachment named `name`.svg or .png; 404 for an unknown format or a
    chart with nothing to draw."""
    if fmt not in FORMATS:
        raise Http404(f"charts download as {' or '.join(FORMATS)}, not {fmt!r}")
    if chart is None or not chart.bars:
        raise Http404("this chart has nothing to draw for these filters")
    svg = chart_svg(chart=chart, title=title, subtitle=subtitle)
    body = svg.encode() if fmt == "svg" else chart_png(svg)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    safe = re.sub(r"[^\w.-]+", "-", name).strip("-") or "chart"
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response


def chart_url(viewname: str, **kwargs: str) -> str:
    """A chart's download address without its extension (the page adds .svg or .png)."""
    return reverse(viewname, kwargs={**kwargs, "fmt": "svg"}).removesuffix(".svg")
