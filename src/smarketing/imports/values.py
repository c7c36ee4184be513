"""Parsing one CSV cell into our value (plain Python, no Django).

Each parser takes the stripped, non-empty text of a cell and returns the value or raises
ValueError with a reason a person can act on. The value tables cover our own values and labels,
HubSpot's and Salesforce's; the strings on the right are our model choices (a test keeps them in
step with the models).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from smarketing.imports.countries import country_code
from smarketing.people.normalize import domain_is_valid, domain_normalize


def key(value: str) -> str:
    """Case, spaces and punctuation do not matter: 'Closed - Won' == 'closedwon'."""
    return re.sub(r"[^0-9a-z]+", "", value.lower())


def _table(entries: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {key(alias): ours for ours, aliases in entries.items() for alias in (ours, *aliases)}


# "" means: known, but there is no such thing in Smarketing (the cell is left alone).
STAGES = _table(
    {
        "subscriber": ("Subscriber",),
        "lead": ("Lead", "New", "Open - Not Contacted", "Open"),
        "mql": ("Marketing Qualified Lead", "marketingqualifiedlead", "Marketing Qualified"),
        "sal": ("Sales Accepted Lead", "Sales Accepted", "Working - Contacted", "Working"),
        "sql": ("Sales Qualified Lead", "salesqualifiedlead", "Qualified", "Closed - Converted"),
        "opportunity": ("Opportunity",),
        "customer": ("Customer", "Evangelist"),
        "recycled": ("Recycled", "Nurturing", "Nurture"),
        "disqualified": ("Disqualified", "Unqualified", "Closed - Not Converted"),
        "": ("Other",),
    }
)

DEAL_STAGES = _table(
    {
        "discovery": (
            "appointmentscheduled",
            "Appointment Scheduled",
            "qualifiedtobuy",
            "Qualified To Buy",
            "Prospecting",
            "Qualification",
            "Needs Analysis",
        ),
        "demo": (
            "presentationscheduled",
            "Presentation Scheduled",
            "Value Proposition",
            "Id. Decision Makers",
            "Perception Analysis",
        ),
        "proposal": (
            "decisionmakerboughtin",
            "Decision Maker Bought-In",
            "Proposal/Price Quote",
        ),
        "negotiation": ("contractsent", "Contract Sent", "Negotiation/Review"),
        "won": ("closedwon", "Closed Won"),
        "lost": ("closedlost", "Closed Lost"),
    }
)

CHANNELS = _table(
    {
        "organic_search": ("Organic Search", "SEO"),
        "paid_search": ("Paid Search", "PPC", "CPC", "Google Ads", "AdWords"),
        "email": ("Email Marketing", "Email", "Newsletter"),
        "social": ("Social Media", "Organic Social", "Social"),
        "paid_social": ("Paid Social",),
        "referral": (
            "Referrals",
            "Referral",
            "AI Referrals",
            "Employee Referral",
            "External Referral",
            "Word of mouth",
        ),
        "display": ("Display", "Advertisement", "Banner"),
        "direct": ("Direct Traffic", "Direct", "Web", "Website", "Phone Inquiry"),
        "events": (
            "Events & webinars",
            "Events",
            "Event",
            "Webinar",
            "Trade Show",
            "Conference",
            "Seminar - Internal",
            "Seminar - Partner",
        ),
        "partner": ("Partner", "Partner Referral"),
        "sales": ("Sales prospecting", "Sales", "Cold Call", "Outbound"),
        "other": (
            "Other",
            "Other Campaigns",
            "Offline Sources",
            "Purchased List",
            "Public Relations",
        ),
    }
)

LOSS_REASONS = _table(
    {
        "price": ("Price", "Too expensive", "Pricing"),
        "no_budget": ("No budget", "Budget"),
        "competitor": ("Chose a competitor", "Competitor", "Lost to competitor"),
        "no_decision": ("No decision / went dark", "No decision", "Went dark", "Unresponsive"),
        "timing": ("Bad timing", "Timing"),
        "product_fit": ("Missing features / poor fit", "Missing features", "Poor fit", "Fit"),
        "other": ("Other",),
    }
)

SENIORITIES = _table(
    {
        "entry": ("Entry level", "Entry", "Junior"),
        "senior": ("Senior individual contributor", "Senior"),
        "manager": ("Manager",),
        "director": ("Director",),
        "vp": ("Vice president", "VP"),
        "cxo": ("C-level / owner", "C-level", "CXO", "Owner", "Executive", "Founder"),
    }
)

ACTIVITY_KINDS = _table(
    {
        "call": ("Call", "Calls", "Logged call"),
        "email": ("Email", "Emails", "List Email"),
        "meeting": ("Meeting", "Meetings", "Event"),
        "note": ("Note", "Notes", "Task", "Tasks"),
    }
)

CALL_OUTCOMES = _table(
    {
        "connected": ("Connected",),
        "voicemail": ("Left voicemail", "Voicemail", "Left live message"),
        "no_answer": ("No answer", "Busy"),
        "wrong_number": ("Wrong number",),
    }
)


def _lookup(table: dict[str, str], raw: str, what: str) -> str:
    found = table.get(key(raw))
    if found is None:
        known = ", ".join(sorted({v for v in table.values() if v}))
        raise ValueError(
            f"unknown {what} {raw!r} (known: {known}, or their HubSpot/Salesforce names)"
        )
    return found


def parse_stage(raw: str) -> str:
    return _lookup(STAGES, raw, "lifecycle stage")


def parse_deal_stage(raw: str) -> str:
    return _lookup(DEAL_STAGES, raw, "deal stage")


def parse_channel(raw: str) -> str:
    return _lookup(CHANNELS, raw, "source")


def parse_seniority(raw: str) -> str:
    return _lookup(SENIORITIES, raw, "seniority")


def parse_activity_kind(raw: str) -> str:
    return _lookup(ACTIVITY_KINDS, raw, "activity type")


def parse_outcome(raw: str) -> str:
    return _lookup(CALL_OUTCOMES, raw, "call outcome")


def parse_loss_reason(raw: str) -> str:
    """Free-text loss reasons that match none of ours are kept as 'other'."""
    return LOSS_REASONS.get(key(raw), "other")


_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\"]+$")
_EMAIL_INSIDE = re.compile(r"[^@\s<>(),;:\"']+@[^@\s<>(),;:\"']+\.[^@\s<>(),;:\"']+")


def parse_email(raw: str) -> str:
    value = raw.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError(f"{raw!r} is not an email address")
    return value


def parse_person(raw: str) -> str:
    """An email, 'Name <email>' or 'Name (email)' → the email; a bare name stays a name."""
    found = _EMAIL_INSIDE.search(raw)
    return found.group(0).lower() if found else raw.strip()


def parse_domain(raw: str) -> str:
    value = domain_normalize(raw)
    if not domain_is_valid(value):
        raise ValueError(f"{raw!r} is not a domain name or website address")
    return value


def parse_country(raw: str) -> str:
    code = country_code(raw)
    if code is None:
        raise ValueError(f"unknown country {raw!r} (use an ISO code such as DE or US, or its name)")
    return code


def parse_currency(raw: str) -> str:
    value = raw.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"{raw!r} is not a three-letter currency code (e.g. USD, EUR)")
    return value


def text_parser(max_length: int | None) -> Callable[[str], str]:
    def parse_text(raw: str) -> str:
        value = raw.strip()
        if max_length is not None and len(value) > max_length:
            raise ValueError(f"is {len(value)} characters long, at most {max_length} fit")
        return value

    return parse_text


_CURRENCY_MARKS = re.compile(r"[$€£¥₹\s\u00a0'’]|\b[A-Z]{3}\b|^[A-Z]{3}|[A-Z]{3}$")


def _grouped(text: str, sep: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", text))


def parse_decimal(raw: str) -> Decimal:
    """'$1,200,000.50', '1.200.000,50 €', '1 200', '(300)' → Decimal.

    With both ',' and '.' the last one is the decimal mark. With only one kind: several of it are
    thousands separators; a single comma before exactly three digits is a thousands separator
    ('1,200' = 1200), any other single comma a decimal comma ('1,5'); a single dot is always a
    decimal point ('1.200' = 1.2).
    """
    text = raw.strip()
    negative = text.startswith("(") and text.endswith(")")
    text = _CURRENCY_MARKS.sub("", text.strip("()").upper())
    if text.startswith("-"):
        negative, text = True, text[1:]
    if not re.fullmatch(r"[\d.,]*\d[\d.,]*", text):
        raise ValueError(f"{raw!r} is not a number")
    integer, decimals = _split_number(text, raw)
    try:
        value = Decimal(f"{integer}.{decimals}" if decimals else integer)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number") from None
    return -value if negative else value


def _split_number(text: str, raw: str) -> tuple[str, str]:
    if "," in text and "." in text:
        mark = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if mark == "," else ","
        integer, _, decimals = text.rpartition(mark)
        if not (_grouped(integer, group) or integer.isdigit()) or not decimals.isdigit():
            raise ValueError(f"{raw!r} is not a number (mixed separators)")
        return integer.replace(group, ""), decimals
    for sep in (",", "."):
        if text.count(sep) > 1:
            if not _grouped(text, sep):
                raise ValueError(f"{raw!r} is not a number (separators out of place)")
            return text.replace(sep, ""), ""
    if "," in text:
        if _grouped(text, ","):
            return text.replace(",", ""), ""
        integer, _, decimals = text.partition(",")
        return integer or "0", decimals
    integer, _, decimals = text.partition(".")
    return integer or "0", decimals


def parse_amount(raw: str) -> Decimal:
    value = parse_decimal(raw)
    if value < 0:
        raise ValueError(f"{raw!r} is negative")
    return value


def parse_count(raw: str) -> int:
    value = parse_decimal(raw)
    if value < 0 or value != value.to_integral_value():
        raise ValueError(f"{raw!r} is not a whole number of at least 0")
    return int(value)


def parse_int_id(raw: str) -> int:
    if not raw.strip().isdigit():
        raise ValueError(f"{raw!r} is not a Smarketing id (a whole number)")
    return int(raw.strip())


_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p")
_WORD_DATES = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%d-%b-%Y", "%d-%b-%y")
_SLASHED = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}\b")


def _date_formats(*, day_first: bool) -> tuple[str, ...]:
    slashed = ("%d/%m/%Y", "%d/%m/%y") if day_first else ("%m/%d/%Y", "%m/%d/%y")
    return (*slashed, "%d.%m.%Y", "%d.%m.%y", "%Y/%m/%d", *_WORD_DATES)


def parse_datetime(raw: str, *, day_first: bool = False) -> dt.datetime:
    """ISO 8601 (offsets kept), US month/day/year (day/month/year with day_first), EU
    day.month.year, year/month/day and written months ('5 Mar 2024'); times optional
    (24-hour or AM/PM). A time without an offset is taken as UTC."""
    text = " ".join(raw.strip().split())
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        value = _strptime_any(text, raw, day_first=day_first)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _strptime_any(text: str, raw: str, *, day_first: bool) -> dt.datetime:
    for date_format in _date_formats(day_first=day_first):
        for time_format in _TIMES:
            try:
                return dt.datetime.strptime(text, date_format + time_format)
            except ValueError:
                continue
    if _SLASHED.match(text):
        order = "day/month/year" if day_first else "month/day/year"
        hint = "drop --day-first" if day_first else "use --day-first"
        raise ValueError(
            f"{raw!r} is not a {order} date (slashed dates are read as {order}; {hint} "
            "if the file writes them the other way)"
        )
    raise ValueError(f"{raw!r} is not a date (use e.g. 2024-03-05 or 2024-03-05 14:30)")


def parse_date(raw: str, *, day_first: bool = False) -> dt.date:
    """A calendar date as the file writes it (a time or offset after it is ignored)."""
    return parse_datetime(raw, day_first=day_first).date()
