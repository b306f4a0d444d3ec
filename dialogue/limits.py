"""How much may be written in one message of the dialogue: defined once for the model, the
page form, the API serializer (and so the OpenAPI schema) and the service.

The officers' closing texts (conclusion, not-subject reason) are kept on the report, so their
limits are in reports.limits.
"""

# A message is a letter, not a document: 10,000 characters are about five A4 pages of
# Japanese; drawings, contracts and longer texts go as attachments.
MESSAGE_BODY_MAX_LENGTH = 10000
