"""The ASGI application for uvicorn and other servers: ``uvicorn costwatch.asgi:app``."""

from costwatch.app import create_app

app = create_app()
