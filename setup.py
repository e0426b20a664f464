"""The one thing setup.cfg cannot say: the package list. Every package under archive_service/ is
found, so a new one is never left out of the wheel, and the three folders setup.cfg's package_dir
maps into it from the top level (templates/, labels/, benchmarks/) are added. tests/test_wheel.py
builds the wheel, installs it apart and imports every package from it."""
from setuptools import find_packages, setup

MAPPED = ["archive_service.templates", "archive_service.label_layouts", "archive_service.benchmarks"]

setup(packages=find_packages(include=["archive_service", "archive_service.*"]) + MAPPED)
