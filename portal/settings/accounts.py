"""Settings of the accounts app: how long the links it e-mails stay valid."""

import os

# The e-mail confirmation link of an organisation application (a signed, timestamped id).
ACCOUNTS_CONFIRMATION_MAX_AGE_DAYS = int(os.environ.get("ACCOUNTS_CONFIRMATION_MAX_AGE_DAYS", "3"))
# An invitation link; a resend starts the period again with a new link.
ACCOUNTS_INVITATION_VALID_DAYS = int(os.environ.get("ACCOUNTS_INVITATION_VALID_DAYS", "7"))
