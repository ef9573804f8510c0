"""The README and the guides in docs/ name only commands and options that exist, link only to
files (and headings) that exist, and the README stays short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from counterpoint.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# kept as they are: the design notes and the record of earlier benchmark runs
KEPT = {"DESIGN.md", "benchmarks-history.md"}
DOCS = [README] + sorted(p for p in (ROOT / "docs").glob("*.md") if p.name not in KEPT)
README_MAX_WORDS = 1800


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _code(text: str) -> list[str]:
    """Every line of a fenced block, and every inline code span."""
    fenced = re.findall(r"```[^\n]*\n(.*?)```", text, re.DOTALL)
    lines = [line for block in fenced for line in block.splitlines()]
    outside = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return lines + re.findall(r"`([^`\n]+)`", outside)


def _named_commands(path: Path) -> list[str]:
    """The commands `counterpoint CMD --option` names in the code of one file, checking each."""
    named = []
    for code in _code(path.read_text(encoding="utf-8")):
        for found in re.finditer(r"(?:^|\s)counterpoint ([a-z]+)([^#|]*)", code):
            command, rest = found.group(1), found.group(2)
            named.append(command)
            assert command in main.commands, f"{_name(path)}: no command {command!r} ({code!r})"
            options = {o for p in main.commands[command].params for o in p.opts}
            for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
                assert option in options | {"--help"}, (
                    f"{_name(path)}: {command} has no {option} ({code!r})"
                )
    return named


@pytest.mark.parametrize("path", DOCS, ids=_name)
def test_every_command_and_option_named_exists(path):
    _named_commands(path)


def test_the_readme_names_every_command():
    assert {"compare", "ingest", "events", "show", "serve", "batch"} <= set(_named_commands(README))


def test_the_readme_stays_short():
    words = len(README.read_text(encoding="utf-8").split())
    assert words < README_MAX_WORDS, (
        f"README.md has {words} words; keep it under {README_MAX_WORDS} and move detail to docs/"
    )


def _unfenced(text: str) -> str:
    return re.sub(r"```.*?```", "", text, flags=re.DOTALL)


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file."""
    seen: dict[str, int] = {}
    anchors = set()
    text = _unfenced(path.read_text(encoding="utf-8"))
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


@pytest.mark.parametrize("path", DOCS, ids=_name)
def test_every_relative_link_points_to_a_file_that_exists(path):
    # links and images, outside code (where brackets are not links)
    prose = re.sub(r"`[^`\n]+`", "", _unfenced(path.read_text(encoding="utf-8")))
    links = re.findall(r"\]\(<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\)", prose)
    assert links, f"{_name(path)} links to nothing"
    for link in links:
        if re.match(r"[a-z][a-z0-9+.-]*:", link):  # https:, mailto: and the like
            continue
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        assert file.is_file(), f"{_name(path)}: {link} points to no file"
        if anchor and file.suffix == ".md":
            assert anchor in _anchors(file), f"{_name(path)}: {link}: no such heading"


def test_the_configuration_page_lists_every_setting():
    from dataclasses import fields

    from counterpoint.config import Settings

    page = (README.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    for field in fields(Settings):
        assert f"`{field.name}`" in page and f"COUNTERPOINT_{field.name.upper()}" in page, \
            f"docs/configuration.md does not describe the setting {field.name!r}"
