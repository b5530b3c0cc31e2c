"""The case register (SQL, via SQLAlchemy): models, Alembic migrations, the roster, the gateway's look-ups and
the success report.

May import: `domain`, `config` and the other adapters. Never `workflows`, the service layer or an entry point.
"""
