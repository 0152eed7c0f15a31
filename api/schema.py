"""The OpenAPI schema's shared parts: every operation lists the errors it may answer, in
the one error shape, so clients (and schemathesis) know what to expect."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from api.serializers import ErrorSerializer

ERRORS = {
    "400": "Invalid parameters (with each field's message under `errors`).",
    "401": "No token, or a token that is unknown, expired or revoked.",
    "403": "The token lacks the scope, or the user's roles no longer allow it.",
    "404": "Not found, or not yours to see.",
    "429": "Too many requests; `Retry-After` says how many seconds to wait.",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        public = getattr(self.view, "required_scope", None) is None
        for code, description in ERRORS.items():
            if code in responses or (public and code == "403"):
                continue
            responses[code] = self._get_response_for_code(
                OpenApiResponse(response=ErrorSerializer, description=description), code, direction=direction
            )
        return responses

    def get_auth(self):
        auth = super().get_auth()
        # Public endpoints answer without a token too (a token only gets its own rate limit).
        if getattr(self.view, "required_scope", None) is None and {} not in auth:
            auth.append({})
        return auth

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "429":
            headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "Seconds to wait."}
        return headers


def only_api_v1(endpoints):
    """The schema describes this API only, not the Wagtail admin's own DRF endpoints."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
