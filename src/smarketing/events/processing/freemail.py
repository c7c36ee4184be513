"""Free-mail domains (plain Python): an address there names no company.

The list is events/freemail.txt, maintained by hand; a line ending in ".*" covers the provider's
country endings (yahoo.* is yahoo.com, yahoo.co.uk, yahoo.de, ...).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

FREEMAIL_FILE = Path(__file__).resolve().parent.parent / "freemail.txt"
# What ".*" stands for: a generic or country top-level domain, optionally under co./com./… .
_ENDING = re.compile(r"(com|net|org|[a-z]{2}|(co|com|net|org|ne|or)\.[a-z]{2})")


@functools.cache
def freemail_list() -> tuple[frozenset[str], frozenset[str]]:
    """(exact domains, providers written with ".*")."""
    exact, providers = set(), set()
    for line in FREEMAIL_FILE.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if not entry:
            continue
        if entry.endswith(".*"):
            providers.add(entry[:-2])
        else:
            exact.add(entry)
    return frozenset(exact), frozenset(providers)


def is_freemail(domain: str) -> bool:
    domain = domain.strip().lower().rstrip(".")
    exact, providers = freemail_list()
    if domain in exact:
        return True
    provider, _, ending = domain.partition(".")
    return provider in providers and bool(_ENDING.fullmatch(ending))
