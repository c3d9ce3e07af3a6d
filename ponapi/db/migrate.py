"""Apply Alembic migrations programmatically (`ponapi serve`, `ponapi db upgrade`, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from ponapi.db.session import secure_sqlite_file

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation: a literal % in a URL (encoded password) must be doubled.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Run in a thread without a running event loop (env.py uses asyncio.run)."""
    secure_sqlite_file(database_url)  # made 0600 before SQLite creates it
    command.upgrade(alembic_config(database_url), revision)
