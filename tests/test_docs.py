"""The README tells the truth: every command, every issue code, every exit status; the library stays quiet."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpscli.cli import app
from gpscli.issues import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def command_names():
    import typer.main

    return sorted(typer.main.get_command(app).commands)


def test_every_issue_code_is_in_the_readme_table():
    documented = set(re.findall(r"^\| `([a-z-]+)` \| (?:错误|警告) \|", README, re.M))
    assert documented == set(REGISTRY)
    for code, t in REGISTRY.items():
        row = re.search(rf"^\| `{code}` \| (错误|警告) \|", README, re.M)
        assert row.group(1) == ("错误" if t.severity.value == "error" else "警告"), code


def test_every_command_is_in_the_readme():
    for name in command_names():
        assert f"`gps {name}" in README, name


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_chinese_help_with_an_example(name):
    r = runner.invoke(app, [name, "--help"])
    assert r.exit_code == 0
    assert "示例" in r.stdout
    assert re.search(r"[\u4e00-\u9fff]", r.stdout)


def test_exit_statuses_are_documented():
    for status in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert status in README


def test_only_the_cli_prints_or_exits():
    src = ROOT / "src" / "gpscli"
    offenders = []
    for path in src.rglob("*.py"):
        if "cli" in path.relative_to(src).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(n.split(".")[0] == "typer" or n == "rich.console" for n in names):
                    offenders.append(f"{path.name}: imports {names}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "exit"):
                offenders.append(f"{path.name}:{node.lineno}: {node.func.id}()")
            if isinstance(node, ast.Attribute) and node.attr == "exit" and getattr(node.value, "id", "") == "sys":
                offenders.append(f"{path.name}:{node.lineno}: sys.exit")
    assert offenders == []


@pytest.mark.parametrize("name", command_names())
def test_help_has_no_english_scaffolding(name):
    text = runner.invoke(app, [name, "--help"]).stdout
    for word in ("Usage:", "Options", "Arguments", "Show this message", "[OPTIONS]", "<int", "<str>", "<path>", "default:"):
        assert word not in text, (name, word)


def test_the_generated_parts_of_the_readme_are_up_to_date():
    """README.md's table of issue codes is made from gpscli.codes (make readme)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sync_readme", ROOT / "tools" / "sync_readme.py")
    sync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sync)
    assert sync.synced(README) == README, "run `make readme` after changing gpscli/codes.py"
