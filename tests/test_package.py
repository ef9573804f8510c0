"""The package as a user installs and imports it."""

from __future__ import annotations

import subprocess
import sys

import counterpoint


def test_every_exported_name_imports():
    assert counterpoint.__version__ not in ("", "0+unknown")
    for name in counterpoint.__all__:
        assert getattr(counterpoint, name) is not None, name


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "counterpoint", "--version"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and counterpoint.__version__ in done.stdout
