"""factory_boy factories for the core model. Writes with rules go through services in tests."""

from __future__ import annotations

import factory

from smarketing.campaigns.models import Campaign, Channel
from smarketing.content.models import ContentAsset, FunnelStage
from smarketing.deals.models import Deal
from smarketing.org.models import Role, Team, TeamKind, User
from smarketing.people.models import Account, Contact


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = TeamKind.MARKETING
    timezone = "Europe/Berlin"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = Role.MARKETING
    password = factory.django.Password("correct horse battery staple")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Faker("company")
    domain = factory.Sequence(lambda n: f"company{n}.example")
    employees = 120
    industry = "Software"
    country = "DE"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    email = factory.Sequence(lambda n: f"person{n}@company.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    account = factory.SubFactory(AccountFactory)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    channel = Channel.PAID_SEARCH
    utm_campaign = factory.Sequence(lambda n: f"campaign-{n}")


class ContentAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentAsset

    title = factory.Sequence(lambda n: f"Guide {n}")
    funnel_stage = FunnelStage.TOFU
    url = factory.Sequence(lambda n: f"https://www.example.com/guides/{n}")


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    name = factory.Sequence(lambda n: f"Deal {n}")
    account = factory.SubFactory(AccountFactory)
    amount = 12000
