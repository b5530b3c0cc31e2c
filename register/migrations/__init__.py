"""Alembic migrations of the case register: env.py and the versions, applied on start by `register.db.upgrade`."""
