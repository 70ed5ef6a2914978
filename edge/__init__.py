"""The web edge the HTTP API and the console share: who is calling (the principal, its token or
session), the Idempotency-Key header, the request schemas, and the mapping of the services'
errors to HTTP answers. Neither the API nor the console imports the other; both import this."""
