"""What crosses the Temporal boundary, defined once: workflow types and ids, update, query and
activity names, the payloads workflows and activities exchange, and the search attributes.

The API, the services, the workflows, the activities and the worker all import these names from
here; the workflow sandbox passes this package (and ``domain``) through, nothing else. Payloads
hold ids, enums and dates only, never personal data (docs/design.md, Where state lives).
"""
