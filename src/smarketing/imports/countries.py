"""Country names and codes to ISO 3166-1 alpha-2 (plain Python).

Every assigned alpha-2 code is accepted as is; names are a table of the common ones and the
spellings CRMs export (HubSpot writes "United States", Salesforce often "USA" or "US").
"""

from __future__ import annotations

import re
import unicodedata

_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
"""
ALPHA2 = frozenset(_CODES.split())

# English short names (and the usual long or local forms) of the countries most CRMs hold.
_NAMES: dict[str, tuple[str, ...]] = {
    "AE": ("United Arab Emirates", "UAE"),
    "AR": ("Argentina",),
    "AT": ("Austria", "Österreich"),
    "AU": ("Australia",),
    "BE": ("Belgium", "België", "Belgique"),
    "BG": ("Bulgaria",),
    "BR": ("Brazil", "Brasil"),
    "CA": ("Canada",),
    "CH": ("Switzerland", "Schweiz", "Suisse", "Svizzera"),
    "CL": ("Chile",),
    "CN": ("China", "People's Republic of China", "PRC"),
    "CO": ("Colombia",),
    "CY": ("Cyprus",),
    "CZ": ("Czechia", "Czech Republic"),
    "DE": ("Germany", "Deutschland", "Federal Republic of Germany"),
    "DK": ("Denmark", "Danmark"),
    "EE": ("Estonia",),
    "EG": ("Egypt",),
    "ES": ("Spain", "España"),
    "FI": ("Finland", "Suomi"),
    "FR": ("France",),
    "GB": (
        "United Kingdom",
        "UK",
        "Great Britain",
        "Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "United Kingdom of Great Britain and Northern Ireland",
    ),
    "GR": ("Greece",),
    "HK": ("Hong Kong",),
    "HR": ("Croatia",),
    "HU": ("Hungary",),
    "ID": ("Indonesia",),
    "IE": ("Ireland", "Republic of Ireland"),
    "IL": ("Israel",),
    "IN": ("India",),
    "IS": ("Iceland",),
    "IT": ("Italy", "Italia"),
    "JP": ("Japan",),
    "KE": ("Kenya",),
    "KR": ("South Korea", "Korea", "Republic of Korea", "Korea, Republic of"),
    "LT": ("Lithuania",),
    "LU": ("Luxembourg",),
    "LV": ("Latvia",),
    "MA": ("Morocco",),
    "MT": ("Malta",),
    "MX": ("Mexico", "México"),
    "MY": ("Malaysia",),
    "NG": ("Nigeria",),
    "NL": ("Netherlands", "The Netherlands", "Holland", "Nederland"),
    "NO": ("Norway", "Norge"),
    "NZ": ("New Zealand",),
    "PE": ("Peru",),
    "PH": ("Philippines",),
    "PK": ("Pakistan",),
    "PL": ("Poland", "Polska"),
    "PT": ("Portugal",),
    "RO": ("Romania",),
    "RS": ("Serbia",),
    "RU": ("Russia", "Russian Federation"),
    "SA": ("Saudi Arabia",),
    "SE": ("Sweden", "Sverige"),
    "SG": ("Singapore",),
    "SI": ("Slovenia",),
    "SK": ("Slovakia",),
    "TH": ("Thailand",),
    "TR": ("Turkey", "Türkiye"),
    "TW": ("Taiwan",),
    "UA": ("Ukraine",),
    "US": ("United States", "United States of America", "USA", "U.S.", "U.S.A.", "America"),
    "UY": ("Uruguay",),
    "VN": ("Vietnam", "Viet Nam"),
    "ZA": ("South Africa",),
}


def _key(value: str) -> str:
    """Case, accents, punctuation and a leading 'the' do not matter."""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return text.removeprefix("the ")


NAME_TO_CODE: dict[str, str] = {
    _key(name): code for code, names in _NAMES.items() for name in names
}


def country_code(value: str) -> str | None:
    """ISO alpha-2 for a code or a known name; None when unknown."""
    raw = value.strip()
    if len(raw) == 2 and raw.upper() in ALPHA2:
        return raw.upper()
    return NAME_TO_CODE.get(_key(raw))
