"""A local OpenID Connect provider that speaks like gBizID, for the tests.

A second Django process (django-oauth-toolkit's OIDC provider) started by the tests: the
authorization-code flow with PKCE required, RS256 ID tokens, discovery, keys and userinfo
with gBizID's claim names. Its accounts are read from a JSON file the tests write
(harness.LocalProvider), on every request, so that each test sets up the accounts it needs.
"""
