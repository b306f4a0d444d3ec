"""The id of the request being served, for audit rows written anywhere below the view."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
