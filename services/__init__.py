"""What the product does, called by the API (and by tests the same way): open a case, check a
referral's agency (R38), read the record, keep the housekeeping schedule. Services talk to
Temporal through the names in :mod:`contracts` and to the database through the repositories
in :mod:`db`; the API above only translates HTTP."""
