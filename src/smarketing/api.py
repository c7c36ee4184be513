"""The REST API: one NinjaAPI, a router per app, one place that maps errors to HTTP."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from smarketing.errors import InvalidInput
from smarketing.org import services as org_services
from smarketing.org.permissions import PermissionDenied


class TokenAuth(HttpBearer):
    """`Authorization: Bearer smk_...`, a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = org_services.token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class LoggedInSession(SessionAuth):
    """The browser's login session. CSRF is checked only when there is a logged-in session to
    protect: a request with no or a bad token then gets 401, not Ninja's 403 'CSRF check Failed'."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


api = NinjaAPI(
    title="Smarketing API",
    version="1",
    description="The shared lead database of marketing and sales. Authenticate with "
    "`Authorization: Bearer <token>` (create one with `smarketing token create`).",
    auth=[TokenAuth(), LoggedInSession()],
    urls_namespace="api",
)


@api.exception_handler(InvalidInput)
def invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    errors = [{"field": f, "reason": r} for f, reasons in exc.errors.items() for r in reasons]
    return api.create_response(request, {"detail": exc.summary(), "errors": errors}, status=400)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(loc) or "__all__", "reason": err.get("msg", "invalid")})
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "authentication required: send Authorization: Bearer <token>"},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="smarketing"'
    return response


def _register_routers() -> None:
    # Imported in here so the imports sit beside the registrations, after the error handlers.
    from smarketing.analytics.attribution_report.api import router as attribution
    from smarketing.analytics.funnel.api import router as funnel
    from smarketing.analytics.health.api import router as health
    from smarketing.analytics.insights.api import router as insights
    from smarketing.analytics.performance.api import router as performance
    from smarketing.campaigns.api import router as campaigns
    from smarketing.content.api import router as content
    from smarketing.deals.api import router as deals
    from smarketing.events.api import router as events
    from smarketing.handoff.api import router as activities
    from smarketing.handoff.api_leads import review_router as feedback
    from smarketing.handoff.api_leads import router as leads
    from smarketing.handoff.routing.api import assignments_router
    from smarketing.handoff.routing.api import router as routing
    from smarketing.handoff.sla.api import router as sla
    from smarketing.lifecycle.api import router as lifecycle
    from smarketing.notify.api import router as notifications
    from smarketing.org.api import router as me
    from smarketing.people.api import accounts_router, contacts_router
    from smarketing.scoring.api import router as definitions
    from smarketing.scoring.api import scores_router as scores
    from smarketing.scoring.api_backtest import router as backtests
    from smarketing.scoring.api_model import router as models
    from smarketing.scoring.api_scores import router as stored_scores

    api.add_router("/me", me)
    api.add_router("/accounts", accounts_router)
    api.add_router("/contacts", contacts_router)
    api.add_router("/campaigns", campaigns)
    api.add_router("/content", content)
    api.add_router("/deals", deals)
    api.add_router("/activities", activities)
    api.add_router("/sla", sla)
    api.add_router("/analytics/funnel", funnel)
    api.add_router("/analytics/performance", performance)
    api.add_router("/analytics/attribution", attribution)
    api.add_router("/analytics/health", health)
    api.add_router("/insights", insights)
    api.add_router("/notifications", notifications)
    api.add_router("/routing", routing)
    api.add_router("/", assignments_router)
    api.add_router("/leads", leads)
    api.add_router("/feedback", feedback)
    api.add_router("/definitions", definitions)
    api.add_router("/models", models)
    api.add_router("/definitions", backtests)
    api.add_router("/", lifecycle)
    api.add_router("/", events)
    api.add_router("/", scores)
    api.add_router("/", stored_scores)


_register_routers()
