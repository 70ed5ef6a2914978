"""The composition root: one FastAPI application that mounts the HTTP API and the console side by
side (:func:`web.app.create_app`), and the server that runs it (``python -m web.main``)."""
