"""The shape every app keeps (CONTRIBUTING.md): thin views that read through selectors and
access helpers and take input through forms, small files, and no status strings compared
in templates. Each check names the place that breaks it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ROOT / "enhance"
DOMAIN_APPS = ["programmes", "teaching", "placements", "projects", "portfolio", "expenses", "privacy"]
MAX_VIEW_LINES = 25
MAX_FILE_LINES = 600
MAX_TEMPLATE_LINE = 200


def python_files() -> list[Path]:
    return [p for p in APPS.rglob("*.py") if "migrations" not in p.parts]


def view_modules() -> list[Path]:
    return sorted(APPS.glob("*/views.py"))


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_every_domain_app_has_the_same_files(app):
    folder = APPS / app
    for name in ("models.py", "access.py", "selectors.py", "forms.py", "views.py", "urls.py", "admin.py"):
        assert (folder / name).exists(), f"{app} lacks {name}"
    assert (folder / "services.py").exists() or (folder / "services").is_dir(), f"{app} lacks services"


def test_no_view_is_longer_than_25_lines():
    long = []
    for path in view_modules():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if length > MAX_VIEW_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, "Views over 25 lines:\n" + "\n".join(long)


def test_views_read_through_selectors_and_take_input_through_forms():
    """No model query and no hand-read POST field in any view (page options such as ?sort=
    may be read from the query string)."""
    found = []
    for path in view_modules():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if ".objects." in line or re.search(r"request\.POST\.get\(|request\.POST\[", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "Views querying models or reading POST by hand:\n" + "\n".join(found)


def test_no_python_file_is_over_600_lines():
    big = [
        f"{p.relative_to(ROOT)} ({n})"
        for p in python_files()
        if (n := len(p.read_text().splitlines())) > MAX_FILE_LINES
    ]
    assert not big, f"Split these by sub-area: {big}"


def test_templates_compare_no_status_strings_and_keep_lines_readable():
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            where = f"{path.relative_to(ROOT)}:{number}"
            if re.search(r"\b(status|rag)\s*[!=]=\s*['\"]", line):
                problems.append(f"{where}: compares a status string (use a model predicate)")
            if len(line) > MAX_TEMPLATE_LINE:
                problems.append(f"{where}: {len(line)} characters")
    assert not problems, "\n".join(problems)


def test_scrollable_regions_on_one_page_have_different_names():
    """Screen-reader users move between regions by name (axe-core: landmark-unique)."""
    repeated = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        labels = re.findall(r'role="region"\s+aria-label="([^"]+)"', text)
        if len(labels) != len(set(labels)):
            repeated.append(f"{path.relative_to(ROOT)}: {labels}")
    assert not repeated, "\n".join(repeated)


MESSAGE_ERRORS = {"ValidationError", "ImportFileError", "SpreadsheetError", "CommandError", "NoRate"}


def _is_text(node: ast.AST) -> bool:
    literal = isinstance(node, ast.Constant) and isinstance(node.value, str)
    return literal or isinstance(node, ast.JoinedStr)


def _inline_messages(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = getattr(node.exc.func, "id", getattr(node.exc.func, "attr", ""))
            if name in MESSAGE_ERRORS:
                for arg in node.exc.args:
                    values = arg.values if isinstance(arg, ast.Dict) else [arg]
                    lines += [node.lineno for v in values if _is_text(v)]
        if isinstance(node, ast.Assign) and _is_text(node.value):
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and getattr(target.value, "id", "") in {"errors", "e"}:
                lines.append(node.lineno)
    return lines


def test_validation_messages_are_named_constants():
    """Every message a service, model or import gives is a module constant (a format string
    where it carries values), so tests and translations refer to it by name."""
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in python_files()
        for line in _inline_messages(ast.parse(path.read_text()))
    ]
    assert not found, "Inline validation messages:\n" + "\n".join(found)
