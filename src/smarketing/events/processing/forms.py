"""What a person tells us about themselves, from identify traits or a submitted form's fields
(plain Python, no Django).

Traits and form fields arrive under many spellings (firstName, first_name, fname, "First name");
`person_traits` reads them into one canonical dict.
"""

from __future__ import annotations

import re
from typing import Any

from smarketing.events.processing.payload import email_clean, first_text, obj, text
from smarketing.imports.countries import country_code

# Canonical trait ← field names, compared lower-case without spaces or punctuation.
_NAMES: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailaddress", "workemail", "businessemail", "youremail", "mail"),
    "first_name": ("firstname", "givenname", "fname", "forename"),
    "last_name": ("lastname", "familyname", "lname", "surname"),
    "name": ("name", "fullname", "yourname"),
    "title": ("title", "jobtitle", "position", "role", "organizationtitle"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone"),
    "company": ("company", "companyname", "organization", "organisation", "org"),
    "country": ("country", "countrycode"),
}
_LOOKUP = {alias: canonical for canonical, aliases in _NAMES.items() for alias in aliases}

# Where a form names itself, in order of preference.
FORM_NAME_FIELDS = ("form_id", "form_name", "form")


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def person_traits(raw: dict[str, Any]) -> dict[str, str]:
    """Canonical traits (email, first_name, last_name, title, phone, company, country as an
    ISO code) from traits or form fields; names split from a full name when not given apart."""
    found: dict[str, str] = {}
    for name, value in raw.items():
        canonical = _LOOKUP.get(_key(str(name)))
        if canonical is None or canonical in found:
            continue
        if canonical == "company" and isinstance(value, dict):
            value = value.get("name")
        found_text = text(value)
        if found_text:
            found[canonical] = found_text
    address_country = text(obj(raw.get("address")).get("country"))
    country = country_code(found.get("country") or address_country)
    found.pop("country", None)
    if country:
        found["country"] = country
    if "email" in found:
        found["email"] = email_clean(found["email"])
        if not found["email"]:
            del found["email"]
    full = found.pop("name", "")
    if full and not (found.get("first_name") or found.get("last_name")):
        first, _, last = full.partition(" ")
        found["first_name"] = first
        if last.strip():
            found["last_name"] = last.strip()
    return found


def form_label(properties: dict[str, Any]) -> str:
    """How a submitted form names itself (its id, else its name)."""
    return first_text(properties, *FORM_NAME_FIELDS)


# A newsletter or blog sign-up makes a subscriber; any other form shows buying interest.
_SUBSCRIPTION_FORM = re.compile(r"newsletter|subscri|sign-?up-?for-?updates", re.IGNORECASE)


def is_lead_form(properties: dict[str, Any]) -> bool:
    """Whether filling this form makes the person a lead (not a subscription form)."""
    named = " ".join(text(properties.get(f)) for f in (*FORM_NAME_FIELDS, "action"))
    return not _SUBSCRIPTION_FORM.search(named)
