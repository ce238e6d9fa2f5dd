"""ASGI entry point for uvicorn: the app on the database named by ``JKN_DATABASE_URL``."""

from jkn.api.app import create_app

app = create_app()
