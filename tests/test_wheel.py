"""Packaging follows the packages (issue 21): the wheel built from this checkout holds every
package under archive_service/ and the folders mapped into it (templates, label layouts,
benchmarks), and each imports from the wheel installed apart from the checkout."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
SOURCES = ["setup.py", "setup.cfg", "pyproject.toml", "README.md", "archive_service", "templates", "labels",
           "benchmarks"]
MAPPED = {"archive_service.templates": "templates", "archive_service.label_layouts": "labels",
          "archive_service.benchmarks": "benchmarks"}


def source_packages():
    """Every package of the checkout: folders with an __init__.py under archive_service/, and the mapped ones."""
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "archive_service").rglob("__init__.py")}
    return sorted(found | set(MAPPED))


def test_the_wheel_holds_and_imports_every_package(tmp_path):
    checkout = tmp_path / "checkout"  # a copy, so no build/ left in the working tree can slip into the wheel
    checkout.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, checkout / name)
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(tmp_path / "dist"), str(checkout)], check=True,
                   capture_output=True)
    [wheel] = (tmp_path / "dist").glob("archive_service-*.whl")
    target = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True,
                   capture_output=True)
    packages = source_packages()
    script = (f"import importlib, json\n"
              f"found = {{p: importlib.import_module(p).__path__[0] for p in {packages!r}}}\n"
              f"print(json.dumps(found))")
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(target)})
    assert run.returncode == 0, run.stderr
    places = json.loads(run.stdout)
    assert all(Path(place).is_relative_to(target) for place in places.values()), places
    shipped = target / "archive_service"
    assert (shipped / "templates" / "base.html").is_file()
    assert sorted(p.name for p in (shipped / "label_layouts").glob("*.json")) == \
        sorted(p.name for p in (ROOT / "labels").glob("*.json"))
    assert (shipped / "assets" / "wqy-microhei.ttc").is_file()
