"""The qualification definition's versions and their sign-off.

Every version keeps its text and its approvals for good: what "qualified" meant on any day is the
version live then (went_live_at ≤ day < retired_at). Approvals are append-only and count only for
the revision they were given on: each edit of a draft bumps `revision`, so older approvals stay
in the history but no longer count (nothing is deleted or updated).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from smarketing.org.models import TeamKind


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"


class DefinitionVersion(models.Model):
    """One version of the definition. `text` is the canonical YAML (`rules.dump` of what was
    read), so the file, the editor and the API show the same thing. Live and retired versions
    are never edited; `services.definition_draft_update` changes only drafts, with a conditional
    UPDATE on status."""

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    text = models.TextField()
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped by every edit of the draft; approvals count for one revision."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the shipped default installed on first use.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    proposed_at = models.DateTimeField(null=True, blank=True)
    went_live_at = models.DateTimeField(
        null=True, blank=True, help_text="The effective date: from here on scores use it."
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            # At most one live version, whatever races happen between two approvals.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="live"), name="definition_one_live"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", went_live_at__isnull=True, retired_at__isnull=True)
                | Q(status="live", went_live_at__isnull=False, retired_at__isnull=True)
                | Q(status="retired", went_live_at__isnull=False, retired_at__isnull=False),
                name="definition_status_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"definition v{self.number} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class DefinitionApproval(models.Model):
    """A leader's sign-off of one revision of a draft, for their team kind. Never changed."""

    version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="approvals"
    )
    revision = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team_kind = models.CharField(max_length=20, choices=TeamKind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "revision", "user"], name="definition_approval_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} approved v{self.version.number} r{self.revision} ({self.team_kind})"


class ScoreCause(models.TextChoices):
    EVENT = "event", "New activity"
    FIELD = "field", "Field change"
    RESCORE = "rescore", "New definition"
    DECAY = "decay", "Decay"
    SWEEP = "sweep", "First score"


# Text, not a JSON column: the database would parse every explanation written (PostgreSQL's
# jsonb cost a third of writing a score), and nothing queries inside it.
EXPLANATION_HELP = (
    "The rules that gave the points, as JSON text: a [rule id, points, occurrences] list per "
    "rule, labels as the version's definition gives them (refresh.explanation_rows)."
)
# An account's engagement is summed from this index of the scores alone (refresh.ACCOUNT_SUMS).
ACCOUNT_SUMS_INDEX = "current_score_account"


class CurrentContactScore(models.Model):
    """A contact's latest score in one score group: a cache rewritten whenever the score changes
    (the lead list sorts and filters on it); `ScoreChange` keeps the history."""

    # Keyed by what every write and read uses: an id would be one more index to write for
    # every score that changes (migration 0013).
    pk = models.CompositePrimaryKey("contact", "group")
    # No index of its own: the key's index starts with it, and each index is one more write
    # per score written.
    contact = models.ForeignKey(
        "people.Contact", on_delete=models.CASCADE, related_name="current_scores", db_index=False
    )
    # The contact's account when it was scored (every move to another account rescores the
    # contact): an account's engagement is summed from the scores by this column alone. No
    # foreign key in the database: checking one would cost each score written a lookup.
    account = models.ForeignKey(
        "people.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    group = models.CharField(max_length=50)
    version = models.PositiveIntegerField(help_text="The definition version's number.")
    fit = models.FloatField()
    engagement = models.FloatField()
    total = models.FloatField()
    grade = models.CharField(max_length=2)
    is_mql = models.BooleanField(default=False)
    mql_reason = models.CharField(max_length=200, blank=True)
    predicted = models.FloatField(null=True, blank=True)
    explanation = models.TextField(default="[]", help_text=EXPLANATION_HELP)
    computed_at = models.DateTimeField()

    class Meta:
        # No index by total: the lead list's score filters and sorts were no quicker with one
        # (at a million contacts, it drives from the contacts and joins the scores), and each
        # index is written again for every score that changes.
        indexes = [
            models.Index(fields=["group", "grade"], name="current_score_grade"),
            models.Index(
                fields=["account", "group", "version", "engagement"],
                name=ACCOUNT_SUMS_INDEX,
                condition=models.Q(account__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.group}: {self.total:g} ({self.grade})"


class ScoreChange(models.Model):
    """One point of a contact's score history in a group; appended when the score changes,
    never updated."""

    # No index of its own: (contact, at) below serves lookups by contact, and one index fewer
    # to write per history point.
    contact = models.ForeignKey(
        "people.Contact", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    group = models.CharField(max_length=50)
    at = models.DateTimeField()
    version = models.PositiveIntegerField()
    fit = models.FloatField()
    engagement = models.FloatField()
    total = models.FloatField()
    grade = models.CharField(max_length=2)
    cause = models.CharField(max_length=10, choices=ScoreCause.choices)

    class Meta:
        indexes = [models.Index(fields=["contact", "at"], name="score_change_contact_at")]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.group} {self.at:%Y-%m-%d}: {self.total:g}"


class CurrentAccountScore(models.Model):
    """An account's latest score in one group: account fit plus its contacts' engagement."""

    # No index of its own: the unique (account, group) serves lookups by account, and an index
    # fewer to write (on PostgreSQL every update of the total writes each index again).
    account = models.ForeignKey(
        "people.Account", on_delete=models.CASCADE, related_name="current_scores", db_index=False
    )
    group = models.CharField(max_length=50)
    version = models.PositiveIntegerField()
    fit = models.FloatField()
    engagement = models.FloatField()
    total = models.FloatField()
    explanation = models.TextField(default="[]", help_text=EXPLANATION_HELP)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "group"], name="current_account_score_once")
        ]

    def __str__(self) -> str:
        return f"account {self.account_id} {self.group}: {self.total:g}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RescoringRun(models.Model):
    """A full rescoring of every contact, started when a version goes live; `done` counts
    contacts as it goes, for the progress shown. `promote`: whether contacts that now meet the
    MQL criteria become MQLs in this run (else at their next activity)."""

    version = models.ForeignKey(DefinitionVersion, on_delete=models.PROTECT, related_name="+")
    promote = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    promoted = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"rescoring for v{self.version_id} ({self.status}, {self.done}/{self.total})"


class ModelStatus(models.TextChoices):
    TRAINED = "trained", "Trained"
    REFUSED = "refused", "Refused"


class PredictiveModel(models.Model):
    """One training of the predictive model, kept for good (the model page's history). A refusal
    (too few outcomes) is a row too, with its reason. The current model is the newest training
    if it succeeded; after a refusal there is none and the rule score stands alone."""

    trained_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=ModelStatus.choices)
    reason = models.TextField(blank=True, help_text="Why training was refused.")
    window_days = models.PositiveIntegerField(
        help_text="A lead is positive when it reached SQL or later within this many days."
    )
    observe_days = models.PositiveIntegerField(
        help_text="Features are taken this many days after a lead arrived (or at its outcome)."
    )
    model_settings = models.JSONField(
        default=dict, help_text="The modelling settings used (predictive.ModelSettings)."
    )
    data_from = models.DateTimeField(null=True, blank=True, help_text="Oldest lead learned from.")
    data_until = models.DateTimeField(null=True, blank=True, help_text="Newest lead learned from.")
    rows = models.PositiveIntegerField(default=0)
    positives = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict)
    fitted = models.BinaryField(null=True, blank=True, help_text="The pickled TrainedModel.")
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the schedule and the command line.",
    )
    duration_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"model {self.pk} {self.status} at {self.trained_at:%Y-%m-%d %H:%M}"


class ContactPrediction(models.Model):
    """A lead's current predicted probability of reaching SQL within the model's window, one
    row per open lead, rewritten after each training and daily. `factors`: the model's top
    factors with this contact's values, for the score's explanation."""

    contact = models.OneToOneField(
        "people.Contact", on_delete=models.CASCADE, related_name="prediction"
    )
    model = models.ForeignKey(PredictiveModel, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    factors = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.probability:.3f}"


class BacktestRun(models.Model):
    """A backtest of one revision of a version against the live version over [since, until):
    what it would have changed (rules.backtest). The text backtested is kept, so the run shows
    exactly what was asked for; once the version has a newer revision, or another version went
    live, the run is stale. `done` of `total` contacts, for the progress shown."""

    version = models.ForeignKey(DefinitionVersion, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()
    text = models.TextField(help_text="The version's text at that revision.")
    live_number = models.PositiveIntegerField(help_text="The live version compared with.")
    since = models.DateTimeField()
    until = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(since__lt=models.F("until")), name="backtest_window")
        ]

    def __str__(self) -> str:
        return f"backtest of v{self.version_id} r{self.revision} ({self.status})"
