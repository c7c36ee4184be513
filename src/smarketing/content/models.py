"""Content assets: what marketing publishes and sales sends, tagged by funnel stage."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class FunnelStage(models.TextChoices):
    TOFU = "tofu", "Top of funnel (awareness)"
    MOFU = "mofu", "Middle of funnel (consideration)"
    BOFU = "bofu", "Bottom of funnel (decision)"


class AssetType(models.TextChoices):
    BLOG = "blog", "Blog post"
    EBOOK = "ebook", "E-book"
    WHITEPAPER = "whitepaper", "White paper"
    CASE_STUDY = "case_study", "Case study"
    WEBINAR = "webinar", "Webinar"
    VIDEO = "video", "Video"
    DATASHEET = "datasheet", "Datasheet"
    PAGE = "page", "Web page"
    OTHER = "other", "Other"


class ContentAsset(models.Model):
    title = models.CharField(max_length=300)
    asset_type = models.CharField(max_length=20, choices=AssetType.choices, default=AssetType.OTHER)
    funnel_stage = models.CharField(max_length=4, choices=FunnelStage.choices)
    url = models.URLField(max_length=500, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
