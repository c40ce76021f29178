"""Disclosure control has one door: nothing outside `survey_app.privacy.disclosure` imports its
modules, only the names its `__init__` exports (above all `publishing`, the unit of work every
output opens), so no output can publish a figure by a path that skips a step."""

from __future__ import annotations

import ast
from pathlib import Path

import survey_app.privacy.disclosure as disclosure

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "survey_app.privacy.disclosure"
# Where product code lives (tests may look inside the package: they test its parts).
SOURCES = ("survey_app", "workers", "bench")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, root: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name or None) for every import in a file, relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package.pop()
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.extend((node.lineno, module, alias.name) for alias in node.names)
    return found


def outside_imports_of_the_package_internals(root: Path = ROOT) -> list[str]:
    exported = set(disclosure.__all__)
    problems = []
    for top in SOURCES:
        for path in sorted((root / top).rglob("*.py")):
            if module_name(path, root).startswith(PACKAGE):
                continue
            for line, module, name in imported(path, root):
                where = f"{path.relative_to(root)}:{line}"
                if module.startswith(PACKAGE + "."):
                    problems.append(f"{where} imports {module}")
                elif module == PACKAGE and name is None:
                    continue  # `import survey_app.privacy.disclosure`: the package itself
                elif module == PACKAGE and name not in exported:
                    problems.append(f"{where} imports {name}, which the package does not export")
    return problems


def test_nothing_outside_disclosure_control_imports_its_internals() -> None:
    assert outside_imports_of_the_package_internals() == []


def test_the_check_finds_every_way_of_reaching_inside(tmp_path: Path) -> None:
    # The walk above would pass on an empty tree too: show it sees the forbidden forms.
    downloads = tmp_path / "survey_app" / "downloads"
    downloads.mkdir(parents=True)
    (downloads / "output.py").write_text(
        "from ..privacy.disclosure.ledger import record_publications\n"
        "from ..privacy.disclosure import withheld_question\n"
        "from ..privacy.disclosure import publishing\n"
        "import survey_app.privacy.disclosure.cells\n",
        encoding="utf-8",
    )
    problems = outside_imports_of_the_package_internals(tmp_path)
    assert [problem.split(" ", 1)[1] for problem in problems] == [
        "imports survey_app.privacy.disclosure.ledger",
        "imports withheld_question, which the package does not export",
        "imports survey_app.privacy.disclosure.cells",
    ]


def test_every_exported_name_exists() -> None:
    assert all(hasattr(disclosure, name) for name in disclosure.__all__)
