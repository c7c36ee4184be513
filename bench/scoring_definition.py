"""The definitions bench/scoring.py scores with: 30 rules, the shipped default plus what a B2B
software company adds once it has run it for a while (plain Python, no Django).

`DEFINITION` is the one that goes live and is measured: 10 fit rules (the default's 5, more
employee and revenue bands, territory, industry, role and the sales channel) and 20 engagement
rules (the default's 6 plus high-intent pages, content by funnel stage, campaigns, trial and
product events, repeated visits). `PREVIOUS` is the version live before it (the same, with the
default's milder -30 for fewer than 10 employees): the measured rescoring is the one that runs
when a stricter version goes live, so every contact already has a score.
"""

from __future__ import annotations

DEFINITION = """\
format: 1
name: B2B software, year two (bench/scoring.py)
decay_half_life_days: 30

fit_rules:
  - {id: employees-50-999, label: Employees 50–999, field: account.employees,
     operator: range, min: 50, max: 1000, points: 20}
  - {id: employees-under-10, label: Fewer than 10 employees, field: account.employees,
     operator: range, max: 10, points: -40}
  - {id: employees-1000-plus, label: "1,000 employees or more", field: account.employees,
     operator: range, min: 1000, points: 10}
  - {id: revenue-10m-plus, label: Revenue $10M or more, field: account.annual_revenue,
     operator: range, min: 10000000, points: 10}
  - {id: free-mail, label: Free-mail address, field: is_freemail, operator: equals,
     value: true, points: -10}
  - {id: student, label: Title contains "student", field: title, operator: contains,
     value: student, points: -50}
  - {id: senior-buyer, label: "Director, VP or C-level", field: seniority, operator: in,
     value: [director, vp, cxo], points: 15}
  - {id: territory, label: In our territory, field: account.country, operator: in,
     value: [DE, AT, CH, GB, NL, FR, US, CA], points: 5}
  - {id: target-industry, label: Target industry, field: account.industry, operator: in,
     value: [software, financial services, manufacturing], points: 10}
  - {id: marketing-or-sales-role, label: Marketing or sales role, field: title,
     operator: contains, value: marketing, points: 5}

engagement_rules:
  - {id: pricing-page, label: Pricing page visit,
     when: {kind: page_view, path: [/pricing*, /plans*]}, points: 10, cap: 30}
  - {id: demo-request, label: Demo request form, when: {kind: form, form: '*demo*'},
     points: 40}
  - {id: contact-sales, label: Contact-sales form, when: {kind: form, form: '*contact*'},
     points: 30}
  - {id: newsletter-form, label: Newsletter sign-up, when: {kind: form, form: '*newsletter*'},
     points: 5, cap: 5}
  - {id: webinar-registered, label: Webinar registration, when: {kind: webinar_registered},
     points: 5, cap: 15}
  - {id: webinar-attended, label: Webinar attended, when: {kind: webinar_attended}, points: 15}
  - {id: email-open, label: Email opened, when: {kind: email_open}, points: 1, cap: 5,
     window_days: 60}
  - {id: email-click, label: Email link clicked, when: {kind: email_click}, points: 3, cap: 15,
     window_days: 90}
  - {id: bofu-content, label: Decision-stage content, when: {kind: download,
     funnel_stage: bofu}, points: 15, cap: 30}
  - {id: mofu-content, label: Consideration-stage content, when: {kind: download,
     funnel_stage: mofu}, points: 8, cap: 24}
  - {id: tofu-content, label: Awareness content, when: {kind: download, funnel_stage: tofu},
     points: 2, cap: 10}
  - {id: high-intent-page, label: High-intent page, when: {kind: page_view, high_intent: true},
     points: 5, cap: 20}
  - {id: case-studies, label: Customer stories, when: {kind: page_view, path: '/customers*'},
     points: 4, cap: 12}
  - {id: docs-reader, label: Reads the docs, when: {kind: page_view, path: '/docs/*'},
     points: 2, cap: 10, window_days: 30}
  - {id: abm-campaign, label: Enterprise ABM campaign, when: {campaign: 'abm-*'}, points: 5,
     cap: 15}
  - {id: paid-search, label: Came from paid search, when: {channel: paid_search}, points: 2,
     cap: 6}
  - {id: trial-started, label: Trial started, when: {kind: other, event: Trial Started},
     points: 30}
  - {id: enterprise-plan-viewed, label: Enterprise plan viewed, when: {kind: other,
     event: Plan Viewed, properties: {plan: enterprise}}, points: 10, cap: 20}
  - {id: careers-page, label: Careers page visit (job seeker),
     when: {kind: page_view, path: /careers*}, points: -10, cap: 10}
  - {id: unsubscribe, label: Unsubscribed, when: {kind: unsubscribe}, points: -20, cap: 20}

mql:
  - {fit: 20, engagement: 30}
  - {total: 80}

grades:
  fit: [30, 15, 0]
  engagement: [60, 30, 10]

account_score:
  engagement_cap: 200

sql_checklist:
  - {id: budget, label: Budget confirmed}
  - {id: authority, label: Talking to the decision maker}
  - {id: need, label: Need confirmed}
  - {id: timing, label: Buying within 6 months}
"""

PREVIOUS = DEFINITION.replace(
    "operator: range, max: 10, points: -40}", "operator: range, max: 10, points: -30}"
).replace("year two", "year one")

# What the generated touchpoints draw from, so that every rule above fires for some contacts.
PAGES = (
    ("/", False),
    ("/product", False),
    ("/product/integrations", False),
    ("/pricing", True),
    ("/plans/enterprise", True),
    ("/customers", False),
    ("/customers/northwind", False),
    ("/blog/sales-marketing-alignment", False),
    ("/blog/lead-scoring-guide", False),
    ("/docs/getting-started", False),
    ("/docs/api", False),
    ("/demo-request", True),
    ("/contact-sales", True),
    ("/careers", False),
    ("/careers/sdr-berlin", False),
)
FORMS = ("demo-request", "contact-sales", "newsletter", "ebook-download", "webinar-signup")
OTHER_EVENTS = ("Trial Started", "Plan Viewed", "CTA Clicked", "Video Played")
