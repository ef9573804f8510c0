"""The README names only commands and options that exist."""

from __future__ import annotations

import re
from pathlib import Path

from counterpoint.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def _code(text: str) -> list[str]:
    """Every line of a fenced block, and every inline code span."""
    fenced = re.findall(r"```[^\n]*\n(.*?)```", text, re.DOTALL)
    lines = [line for block in fenced for line in block.splitlines()]
    outside = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return lines + re.findall(r"`([^`\n]+)`", outside)


def test_every_command_and_option_the_readme_names_exists():
    named = []
    for code in _code(README.read_text(encoding="utf-8")):
        for found in re.finditer(r"(?:^|\s)counterpoint ([a-z]+)([^#|]*)", code):
            command, rest = found.group(1), found.group(2)
            named.append(command)
            assert command in main.commands, f"README: no command {command!r} ({code!r})"
            options = {o for p in main.commands[command].params for o in p.opts}
            for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
                assert option in options | {"--help"}, f"README: {command} has no {option}"
    assert {"compare", "ingest", "events", "show", "serve", "batch"} <= set(named)
