"""Settings of the accounts app: how long the links it e-mails stay valid."""

import os

# The e-mail confirmation link of an organisation application (a signed, timestamped id).
ACCOUNTS_CONFIRMATION_MAX_AGE_DAYS = int(os.environ.get("ACCOUNTS_CONFIRMATION_MAX_AGE_DAYS", "3"))
# An invitation link; a resend starts the period again with a new link.
ACCOUNTS_INVITATION_VALID_DAYS = int(os.environ.get("ACCOUNTS_INVITATION_VALID_DAYS", "7"))
# Applications one address may send in an hour: each sends an e-mail to an address nobody has
# confirmed yet, so a script must not use the form to flood mailboxes.
ACCOUNTS_APPLICATIONS_PER_ADDRESS_PER_HOUR = int(
    os.environ.get("ACCOUNTS_APPLICATIONS_PER_ADDRESS_PER_HOUR", "5")
)
# Applications whose e-mail was never confirmed are deleted this many days after their link
# expired (they were never before METI and hold a password hash and personal data).
ACCOUNTS_UNCONFIRMED_PURGE_AFTER_DAYS = int(
    os.environ.get("ACCOUNTS_UNCONFIRMED_PURGE_AFTER_DAYS", "7")
)
