"""The packages the wheel holds: every package under src/, found, plus the repository's data/
and notebooks/, which pyproject.toml's package-dir maps in as iwf_stats._data and
iwf_stats._notebooks (pyproject.toml cannot both find packages and name extra ones). Everything
else about the build is in pyproject.toml."""

from setuptools import find_packages, setup

setup(packages=[*find_packages("src"), "iwf_stats._data", "iwf_stats._notebooks"])
