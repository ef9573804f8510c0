"""The package as a user installs and imports it."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import counterpoint

ROOT = Path(__file__).resolve().parent.parent


def test_every_exported_name_imports():
    assert counterpoint.__version__ not in ("", "0+unknown")
    for name in counterpoint.__all__:
        assert getattr(counterpoint, name) is not None, name


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "counterpoint", "--version"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and counterpoint.__version__ in done.stdout


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", "-r")):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def _names(requirements: list[str]) -> set[str]:
    return {re.sub(r"[-_.]+", "-", re.split(r"[<>=!\[ ;]", r, maxsplit=1)[0]).lower()
            for r in requirements}


def test_a_user_install_pins_what_the_package_needs_and_no_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-dev.lock")
    assert _names(project["dependencies"]) <= set(runtime)
    tools = _names(project["optional-dependencies"]["dev"] + project["optional-dependencies"]["ray"])
    tools.discard("counterpoint")
    assert not tools & set(runtime), "test, lint and cluster tools stay out of a user install"
    assert tools <= set(dev) and not set(dev) & set(runtime)
