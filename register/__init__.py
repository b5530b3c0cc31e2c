"""The case register (SQL, via SQLAlchemy): models, Alembic migrations, the roster, the gateway's look-ups, the
case list read model and the learning log. What is read out of it for managers and evaluators is `reporting`.

May import: `domain`, `config` and the other adapters. Never `reporting`, `workflows`, the service layer or an entry
point.
"""
