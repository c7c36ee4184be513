"""What Lumen Analytics' marketing runs: content, campaigns, organic sources, site pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AssetSpec:
    key: str
    title: str
    asset_type: str  # content.AssetType value
    funnel_stage: str  # tofu | mofu | bofu
    path: str
    day: int = 0  # published this many days into the year


ASSETS: tuple[AssetSpec, ...] = (
    AssetSpec(
        "blog-misaligned",
        "Five signs marketing and sales are misaligned",
        "blog",
        "tofu",
        "/blog/five-signs-of-misalignment",
    ),
    AssetSpec(
        "blog-mql",
        "What an MQL should mean to a sales rep",
        "blog",
        "tofu",
        "/blog/what-an-mql-should-mean",
    ),
    AssetSpec(
        "blog-sla",
        "The one-page SLA between marketing and sales",
        "blog",
        "tofu",
        "/blog/one-page-sla",
        90,
    ),
    AssetSpec(
        "ebook-playbook",
        "The smarketing playbook",
        "ebook",
        "tofu",
        "/resources/smarketing-playbook",
    ),
    AssetSpec(
        "report-pipeline",
        "State of B2B pipeline report",
        "whitepaper",
        "tofu",
        "/resources/state-of-b2b-pipeline",
        30,
    ),
    AssetSpec(
        "template-funnel",
        "Free funnel template (spreadsheet)",
        "other",
        "tofu",
        "/resources/funnel-template",
        100,
    ),
    AssetSpec(
        "paper-scoring",
        "Designing a lead score sales trusts",
        "whitepaper",
        "mofu",
        "/resources/lead-scoring-whitepaper",
    ),
    AssetSpec("video-tour", "Product tour (12 minutes)", "video", "mofu", "/product/tour"),
    AssetSpec(
        "case-brightwave",
        "How Brightwave cut lead response time to one hour",
        "case_study",
        "bofu",
        "/customers/brightwave",
    ),
    AssetSpec(
        "case-harbor",
        "Harborline: one funnel, two teams",
        "case_study",
        "bofu",
        "/customers/harborline",
        60,
    ),
    AssetSpec(
        "case-cedar",
        "Cedar Health doubled SQLs without more leads",
        "case_study",
        "bofu",
        "/customers/cedar-health",
        200,
    ),
    AssetSpec(
        "sheet-security",
        "Security and compliance overview",
        "datasheet",
        "bofu",
        "/resources/security-overview",
    ),
    AssetSpec("page-roi", "ROI calculator", "page", "bofu", "/roi-calculator"),
)


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    channel: str  # campaigns.Channel value
    utm_source: str
    utm_medium: str
    volume: float  # relative share of new contacts it brings in
    entry: str  # how its contacts arrive: form | newsletter | webinar | list_import | outbound
    landing: str  # the page its traffic lands on
    start_day: int = 0
    end_day: int | None = None  # None: always on
    monthly_cost: float = 0.0
    fixed_cost: float = 0.0
    asset: str = ""  # the AssetSpec.key it offers
    event_day: int | None = None  # webinars and trade shows: the day it takes place
    dud_able: bool = False  # a plausible lead magnet that could bring leads and no revenue


CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec(
        "Google Ads – Brand search",
        "paid_search",
        "google",
        "cpc",
        6,
        "form",
        "/product/tour",
        monthly_cost=1200,
        asset="video-tour",
    ),
    CampaignSpec(
        "Google Ads – Sales alignment keywords",
        "paid_search",
        "google",
        "cpc",
        7,
        "form",
        "/resources/smarketing-playbook",
        monthly_cost=4500,
        asset="ebook-playbook",
        dud_able=True,
    ),
    CampaignSpec(
        "LinkedIn Ads – Mid-market RevOps",
        "paid_social",
        "linkedin",
        "paid-social",
        6,
        "form",
        "/resources/state-of-b2b-pipeline",
        35,
        310,
        monthly_cost=6000,
        asset="report-pipeline",
        dud_able=True,
    ),
    CampaignSpec(
        "Facebook lead ads – Free funnel template",
        "paid_social",
        "facebook",
        "paid-social",
        5,
        "form",
        "/resources/funnel-template",
        110,
        260,
        monthly_cost=3000,
        asset="template-funnel",
        dud_able=True,
    ),
    CampaignSpec(
        "Display retargeting",
        "display",
        "adroll",
        "display",
        3,
        "form",
        "/pricing",
        monthly_cost=1500,
        dud_able=True,
    ),
    CampaignSpec(
        "Content syndication – Pipeline report",
        "other",
        "techsyndicate",
        "syndication",
        5,
        "list_import",
        "/resources/state-of-b2b-pipeline",
        60,
        240,
        fixed_cost=27000,
        asset="report-pipeline",
        dud_able=True,
    ),
    CampaignSpec(
        "Monthly newsletter",
        "email",
        "newsletter",
        "email",
        4,
        "newsletter",
        "/newsletter",
        monthly_cost=300,
    ),
    CampaignSpec(
        "Nurture – Lead scoring sequence",
        "email",
        "nurture",
        "email",
        2,
        "form",
        "/resources/lead-scoring-whitepaper",
        monthly_cost=200,
        asset="paper-scoring",
    ),
    CampaignSpec(
        "Webinar: The SLA between marketing and sales",
        "events",
        "webinar",
        "email",
        3,
        "webinar",
        "/webinars/sla-between-marketing-and-sales",
        20,
        45,
        fixed_cost=2500,
        event_day=45,
    ),
    CampaignSpec(
        "Webinar: Lead scoring that sales trusts",
        "events",
        "webinar",
        "email",
        3,
        "webinar",
        "/webinars/lead-scoring-sales-trusts",
        115,
        140,
        fixed_cost=2800,
        event_day=140,
    ),
    CampaignSpec(
        "Webinar: Attribution without the hype",
        "events",
        "webinar",
        "email",
        3,
        "webinar",
        "/webinars/attribution-without-hype",
        205,
        230,
        fixed_cost=3000,
        event_day=230,
    ),
    CampaignSpec(
        "Webinar: Running the weekly smarketing meeting",
        "events",
        "webinar",
        "email",
        3,
        "webinar",
        "/webinars/weekly-smarketing-meeting",
        295,
        320,
        fixed_cost=2600,
        event_day=320,
    ),
    CampaignSpec(
        "RevOps Summit booth",
        "events",
        "revops-summit",
        "event",
        4,
        "list_import",
        "/events/revops-summit",
        180,
        185,
        fixed_cost=38000,
        event_day=182,
        dud_able=True,
    ),
    CampaignSpec(
        "Partner referral programme",
        "partner",
        "partners",
        "referral",
        3,
        "form",
        "/partners/referral",
        monthly_cost=1800,
    ),
    CampaignSpec(
        "G2 category listing",
        "referral",
        "g2",
        "referral",
        3,
        "form",
        "/pricing",
        monthly_cost=1000,
    ),
    CampaignSpec(
        "Podcast sponsorship – Revenue Rebels",
        "other",
        "revenue-rebels",
        "podcast",
        2,
        "form",
        "/podcast",
        90,
        180,
        fixed_cost=8000,
        dud_able=True,
    ),
    CampaignSpec(
        "Outbound – RevOps leaders sequence",
        "sales",
        "outbound",
        "email",
        4,
        "outbound",
        "/",
        monthly_cost=500,
    ),
)


@dataclass(frozen=True)
class OrganicSpec:
    """A source of contacts that is no campaign: search, typed-in visits, social, links."""

    channel: str
    volume: float
    referrer: str
    landing: str


ORGANIC: tuple[OrganicSpec, ...] = (
    OrganicSpec("organic_search", 12, "google", "/blog/five-signs-of-misalignment"),
    OrganicSpec("direct", 5, "", "/"),
    OrganicSpec("social", 3, "linkedin", "/blog/what-an-mql-should-mean"),
    OrganicSpec("referral", 2, "revopscommunity", "/blog/one-page-sla"),
)

# Pages a visitor browses besides landing pages, by how far along they are.
PAGES_BROWSE = ("/", "/product", "/product/lead-scoring", "/product/sla", "/about", "/blog")
PAGES_EVALUATE = ("/pricing", "/customers", "/product/integrations", "/security")
