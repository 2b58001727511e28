"""The one thing pyproject.toml cannot say: ship the top-level migrations/ inside the wheel.

The migration scripts stay in ``migrations/`` (Alembic's usual place, and where alembic.ini looks), and
the wheel carries them as ``copbot/migrations``, where ``copbot.store.migrate`` finds them after a plain
``pip install``. Everything else about the package is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["copbot*"]), "copbot.migrations", "copbot.migrations.versions"],
    package_dir={"copbot.migrations": "migrations"},
)
