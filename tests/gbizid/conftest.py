from tests.gbizid.provider import harness

# The local provider (one process for the session) and the portal configured for it.
gbizid_provider = harness.gbizid_provider
gbizid = harness.gbizid
