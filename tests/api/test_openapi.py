"""The OpenAPI document is the contract: it generates, and it lists every endpoint we serve."""

from __future__ import annotations

import pytest

EXPECTED = {
    "/api/me": {"get"},
    "/api/accounts": {"get", "post"},
    "/api/accounts/{account_id}": {"get", "patch"},
    "/api/contacts": {"get", "post"},
    "/api/contacts/{contact_id}": {"get", "patch"},
    "/api/contacts/{contact_id}/transitions": {"get", "post"},
    "/api/campaigns": {"get", "post"},
    "/api/campaigns/{campaign_id}": {"get", "patch"},
    "/api/content": {"get", "post"},
    "/api/content/{asset_id}": {"get", "patch"},
    "/api/deals": {"get", "post"},
    "/api/deals/{deal_id}": {"get", "patch"},
    "/api/activities": {"get", "post"},
    "/api/activities/{activity_id}": {"get", "patch"},
    "/api/lifecycle/reasons": {"get"},
    "/api/lifecycle/stages": {"get"},
}


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_when_generated_lists_every_endpoint(document):
    paths = {path: set(ops) for path, ops in document["paths"].items()}
    for path, methods in EXPECTED.items():
        assert methods <= paths.get(path, set()), path


def test_openapi_when_generated_declares_errors_and_auth_on_every_operation(document):
    schemes = document["components"]["securitySchemes"]
    assert {"TokenAuth", "LoggedInSession"} <= set(schemes)
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            assert {"401", "403"} <= set(op["responses"]), (method, path)
            assert op.get("security"), (method, path)
            if method in ("post", "patch"):
                assert "400" in op["responses"], (method, path)


def test_openapi_when_list_endpoint_documents_limit_offset_and_count(document):
    op = document["paths"]["/api/contacts"]["get"]
    params = {p["name"] for p in op["parameters"]}
    assert {"limit", "offset", "q", "stage", "account_id", "campaign_id"} <= params
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    paged = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(paged["properties"]) == {"items", "count"}


def test_openapi_when_input_and_output_differ_uses_separate_schemas(document):
    schemas = document["components"]["schemas"]
    assert "lifecycle_stage" in schemas["ContactOut"]["properties"]
    assert "lifecycle_stage" not in schemas["ContactIn"]["properties"]
    assert "stage" not in schemas["ContactPatch"]["properties"]


def test_api_docs_when_opened_serve_swagger_from_local_static(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
