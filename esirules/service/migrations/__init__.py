"""Alembic migrations of the service's store, shipped with the package and run by `esirules db upgrade`."""
