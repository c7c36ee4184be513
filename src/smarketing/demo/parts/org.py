"""Teams with their time zones and business hours, and the demo users with a known password."""

from __future__ import annotations

from smarketing.demo.context import Advance, Context, Part
from smarketing.demo.sim.catalogue import DEMO_PASSWORD
from smarketing.demo.timeline import Timeline
from smarketing.org import services


def run(ctx: Context, advance: Advance) -> None:
    for team in ctx.timeline.teams:
        ctx.teams.append(
            services.team_create(
                name=team.name,
                kind=team.kind,
                timezone=team.timezone,
                workdays=team.workdays,
                day_start=team.day_start,
                day_end=team.day_end,
            )
        )
        advance(1)
    for user in ctx.timeline.users:
        ctx.users.append(
            services.user_create(
                email=user.email,
                role=user.role,
                password=DEMO_PASSWORD,
                full_name=user.full_name,
                team=ctx.teams[user.team] if user.team is not None else None,
            )
        )
        advance(1)


def size(timeline: Timeline) -> int:
    return len(timeline.teams) + len(timeline.users)


PART = Part("org", "Teams and users", size, run)
