"""Made-up names for companies and people, and the job titles buyers hold."""

from __future__ import annotations

import random

COMPANY_HEADS = (
    "North",
    "Blue",
    "Silver",
    "Bright",
    "Red",
    "Iron",
    "Clear",
    "Swift",
    "Green",
    "Stone",
    "Oak",
    "River",
    "Summit",
    "Pine",
    "Harbor",
    "Cedar",
    "Granite",
    "Maple",
    "Falcon",
    "Atlas",
    "Nova",
    "Vertex",
    "Apex",
    "Orbit",
    "Beacon",
    "Crest",
    "Delta",
    "Ember",
    "Aspen",
    "Coral",
    "Willow",
    "Copper",
    "Lark",
    "Sterling",
    "Meridian",
    "Juniper",
    "Cobalt",
    "Hollow",
    "Bay",
    "Fox",
)
COMPANY_TAILS = (
    "wind",
    "field",
    "point",
    "bridge",
    "stone",
    "wave",
    "line",
    "works",
    "path",
    "gate",
    "view",
    "forge",
    "side",
    "light",
    "ridge",
    "well",
    "brook",
    "peak",
    "haven",
    "mark",
    "crest",
    "wood",
    "shore",
    "star",
    "vale",
)
# What a company in each industry tends to call itself.
INDUSTRY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "Software": ("Software", "Labs", "Systems", "Cloud", "Technologies", "AI"),
    "Manufacturing": ("Manufacturing", "Industries", "Components", "Fabrication", "Tools"),
    "Professional services": ("Consulting", "Partners", "Advisory", "Group", "Associates"),
    "Financial services": ("Capital", "Financial", "Insurance", "Payments", "Lending"),
    "Healthcare": ("Health", "Medical", "Clinics", "Care", "Diagnostics"),
    "Retail": ("Retail", "Stores", "Outfitters", "Goods", "Market"),
    "Education": ("Academy", "Learning", "College", "Institute", "Schools"),
    "Logistics": ("Logistics", "Freight", "Shipping", "Transport", "Supply"),
    "Media": ("Media", "Studios", "Publishing", "Broadcasting", "Press"),
    "Real estate": ("Realty", "Properties", "Estates", "Homes", "Developments"),
    "Energy": ("Energy", "Power", "Solar", "Utilities", "Renewables"),
    "Non-profit": ("Foundation", "Trust", "Alliance", "Society", "Fund"),
    "Government": ("Council", "Authority", "Agency", "Department", "Office"),
}
FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Steven",
    "Emily",
    "Andrew",
    "Michelle",
    "Joshua",
    "Amanda",
    "Kevin",
    "Melissa",
    "Brian",
    "Laura",
    "Oliver",
    "Sophie",
    "Lukas",
    "Hannah",
    "Jonas",
    "Lea",
    "Louis",
    "Camille",
    "Hugo",
    "Chloe",
    "Lars",
    "Ingrid",
    "Pablo",
    "Lucia",
    "Marco",
    "Giulia",
    "Arjun",
    "Ananya",
    "Rahul",
    "Priyanka",
    "Wei",
    "Mei",
    "Kenji",
    "Yuki",
    "Mateus",
    "Beatriz",
    "Liam",
    "Ava",
    "Noah",
    "Isla",
    "Ethan",
    "Zoe",
    "Finn",
    "Freya",
    "Sven",
    "Astrid",
    "Piotr",
    "Zofia",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Hill",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Peterson",
    "Reed",
    "Bailey",
    "Bell",
    "Kelly",
    "Howard",
    "Ward",
    "Cox",
    "Richardson",
    "Wood",
    "Watson",
    "Brooks",
    "Bennett",
    "Gray",
    "Hughes",
    "Price",
    "Sanders",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Schmidt",
    "Schneider",
    "Weber",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Dubois",
    "Moreau",
    "Laurent",
    "Lefebvre",
    "Rossi",
    "Russo",
    "Ferrari",
    "Jansen",
    "de Vries",
    "Bakker",
    "Nilsson",
    "Larsson",
    "Kowalski",
    "Nowak",
    "Sharma",
    "Gupta",
    "Singh",
    "Iyer",
    "Silva",
    "Santos",
    "Oliveira",
    "Tanaka",
    "Sato",
    "Wang",
    "Zhang",
    "O'Brien",
    "Murray",
    "Byrne",
)
# (title, seniority, weight): buyers of a marketing-and-sales platform and the people around them.
TITLES: tuple[tuple[str, str, float], ...] = (
    ("Marketing Coordinator", "entry", 6),
    ("Sales Development Representative", "entry", 5),
    ("Marketing Specialist", "entry", 6),
    ("Account Executive", "senior", 6),
    ("Demand Generation Manager", "manager", 7),
    ("Marketing Operations Manager", "manager", 7),
    ("Sales Operations Manager", "manager", 5),
    ("Revenue Operations Manager", "manager", 5),
    ("Content Marketing Manager", "manager", 4),
    ("Product Marketing Manager", "manager", 3),
    ("Sales Manager", "manager", 5),
    ("Head of Growth", "director", 3),
    ("Director of Marketing", "director", 5),
    ("Director of Sales", "director", 4),
    ("Director of Revenue Operations", "director", 2),
    ("VP Marketing", "vp", 3),
    ("VP Sales", "vp", 3),
    ("Chief Marketing Officer", "cxo", 1.5),
    ("Chief Revenue Officer", "cxo", 1),
    ("CEO", "cxo", 1.5),
    ("Founder", "cxo", 1),
    ("IT Manager", "manager", 2),
    ("Data Analyst", "senior", 2),
)
TITLE_WEIGHTS = tuple(w for _, _, w in TITLES)
# In a small company the buyer is the owner more often than not.
SMALL_TITLES: tuple[tuple[str, str], ...] = (
    ("Founder", "cxo"),
    ("CEO", "cxo"),
    ("Owner", "cxo"),
    ("Marketing Lead", "manager"),
    ("Office Manager", "entry"),
)


def slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)


class NameMaker:
    """Unique company names with their domains, and unique person emails."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.domains: set[str] = set()
        self.emails: set[str] = set()

    def company(self, industry: str) -> tuple[str, str]:
        rng = self.rng
        for attempt in range(50):
            base = rng.choice(COMPANY_HEADS) + rng.choice(COMPANY_TAILS)
            suffix = rng.choice(INDUSTRY_SUFFIXES[industry])
            name = f"{base} {suffix}"
            domain = f"{slug(base)}-{slug(suffix)}.example" if attempt < 40 else ""
            if not domain:
                domain = f"{slug(base)}{rng.randrange(2, 999)}.example"
            if domain not in self.domains:
                self.domains.add(domain)
                return name, domain
        raise RuntimeError("ran out of company names")  # 50 misses in a row: lists too short

    def person(self, domain: str, *, small: bool) -> tuple[str, str, str]:
        """(first name, last name, email) with an email unique across the company."""
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local_last = slug(last).replace("-", "")
        pattern = rng.random()
        if small and pattern < 0.5:
            local = first.lower()
        elif pattern < 0.75:
            local = f"{first.lower()}.{local_last}"
        else:
            local = f"{first[0].lower()}{local_last}"
        email = f"{local}@{domain}"
        n = 2
        while email in self.emails:
            email = f"{local}{n}@{domain}"
            n += 1
        self.emails.add(email)
        return first, last, email

    def title(self, *, small: bool) -> tuple[str, str]:
        if small and self.rng.random() < 0.7:
            return self.rng.choice(SMALL_TITLES)
        title, seniority, _ = self.rng.choices(TITLES, weights=TITLE_WEIGHTS)[0]
        return title, seniority
