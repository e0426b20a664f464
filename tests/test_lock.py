"""The environment runs the versions in constraints.txt (the lock): a drifted install is named here,
instead of surfacing later as a puzzling failure somewhere in the suite."""
import re
from importlib import metadata
from pathlib import Path

LOCK = Path(__file__).resolve().parents[1] / "constraints.txt"
REINSTALL = 'pip install -e ".[test]" -c constraints.txt'


def normalised(name):
    """PEP 503: `Flask_Login` and `flask-login` name one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(text):
    """{package: version} of every `name==version` line of a pip-compile lock."""
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", line.strip())
        if match:
            pins[normalised(match[1])] = match[2]
    return pins


def installed_versions():
    return {normalised(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}


def drift(locked, installed):
    """One line per locked package that is missing or installed at another version."""
    return [f"{name}: locked {version}, installed {installed.get(name, 'nothing')}"
            for name, version in sorted(locked.items()) if installed.get(name) != version]


def test_drift_names_each_package_off_the_lock():
    locked = locked_versions("flask==3.1.3\n    # via x\npytest==9.1.1\nPyYAML==6.0.3 ; python_version >= '3'\n")
    assert locked == {"flask": "3.1.3", "pytest": "9.1.1", "pyyaml": "6.0.3"}
    assert drift(locked, {"flask": "3.1.3", "pytest": "9.2.0"}) == [
        "pytest: locked 9.1.1, installed 9.2.0", "pyyaml: locked 6.0.3, installed nothing"]


def test_installed_versions_are_the_locked_ones():
    problems = drift(locked_versions(LOCK.read_text(encoding="utf-8")), installed_versions())
    assert not problems, ("this environment differs from constraints.txt:\n  " + "\n  ".join(problems)
                          + f"\nreinstall with `{REINSTALL}`, or move the lock forward with `.ci/relock`")
