"""Declares in the OpenAPI schema what every operation may answer besides its success:
the error shapes of api.md, 429 with Retry-After, and the Idempotency-Key header on POSTs."""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": 'Field errors, `{"field": ["message", ...]}`, or `{"detail": "..."}` for a '
    "body that could not be read.",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
}
CONFLICT = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "status": {"type": "string", "description": "The current state."},
    },
    "required": ["detail"],
}

RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Any unique string per intended action (e.g. a UUID). A retry with the same "
    "key from the same user answers the first response (header `Idempotent-Replayed: true`) "
    "and creates nothing again; kept for 24 hours. The same key with another request: 422; "
    "while the first is still being processed: 409.",
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, schema: str, headers: dict | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema)}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def declare_common_answers(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    schemas.setdefault("Conflict", CONFLICT)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            writes = method in ("post", "put", "patch")
            common = {
                "400": _answer("Invalid input.", "FieldErrors"),
                "401": _answer("No valid credentials.", "Error"),
                "403": _answer("The caller's role may not do this.", "Error"),
                "429": _answer("Too many requests.", "Error", RETRY_AFTER),
            }
            common["404"] = _answer(
                "Not found, outside the caller's organisation or division, or a page past the "
                "end of a list.",
                "Error",
            )
            if writes:
                common["409"] = _answer("Not allowed in the current state.", "Conflict")
                common["413"] = _answer("The request body is too large.", "Error")
            if method == "post":
                common["422"] = _answer("Idempotency-Key reused for another request.", "Error")
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(IDEMPOTENCY_KEY)
            for code, answer in common.items():
                responses.setdefault(code, answer)
    return result
