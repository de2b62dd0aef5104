"""The validation report as data: the JSON shape of ``gps validate --format json``."""

from __future__ import annotations

from typing import Any

from ..issues import count


def report_dict(result) -> dict[str, Any]:
    """``{"ok", "summary": {...}, "files": [{"path", "ok", "rows", "issues": [...]}]}``."""
    files = []
    for f in result.files:
        files.append({"path": f.path, "ok": f.ok, "rows": f.rows + f.skipped_rows,
                      "issues": [i.to_dict() for i in f.issues]})
    for i in result.issues:  # paths that could not even be opened
        files.append({"path": i.path, "ok": not i.is_error, "rows": 0, "issues": [i.to_dict()]})
    errors, warnings = count(result.all_issues())
    return {
        "ok": errors == 0,
        "summary": {"files": len(files), "rows": sum(f["rows"] for f in files), "errors": errors, "warnings": warnings},
        "files": files,
    }
