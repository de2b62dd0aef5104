"""Regenerate the parts of README.md that are made from the code's registries.

    make readme            (or: python tools/sync_readme.py [--check])

Each generated part sits between ``<!-- begin: NAME -->`` and ``<!-- end: NAME -->``; the text in
between is replaced by what the registry says. ``--check`` changes nothing and exits 1 when the
README differs (tests/test_docs.py runs the same comparison).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def parts() -> dict[str, str]:
    from gpscli.codes import readme_table

    return {"issue-codes": readme_table()}


def synced(text: str) -> str:
    for name, body in parts().items():
        pattern = re.compile(rf"(<!-- begin: {name} -->\n).*?(\n<!-- end: {name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- begin: {name} --> ... <!-- end: {name} --> block")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = synced(text)
    if "--check" in argv:
        return 0 if new == text else 1
    if new != text:
        README.write_text(new, encoding="utf-8")
        print("README.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
