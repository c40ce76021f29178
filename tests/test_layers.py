"""The code's layers import one way only: entry points -> web -> domain -> models.

Read from the source with `ast`, imports inside functions included (an import hidden in a
function is still a dependency), type-checking-only imports aside.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("survey_app", "workers")
WEB_LIBRARIES = ("flask", "flask_login", "flask_wtf", "werkzeug", "jinja2")

ENTRY, WEB, DOMAIN, MODELS = 3, 2, 1, 0
LAYER_NAMES = {ENTRY: "entry point", WEB: "web", DOMAIN: "domain", MODELS: "models"}


def layer(module: str) -> int:
    """Which layer a module of this project belongs to."""
    if module in {
        "survey_app",
        "survey_app.cli",
        "survey_app.wsgi",
        "survey_app.demo",
        "survey_app.settings",
    } or (module.split(".")[0] == "workers"):
        return ENTRY
    if module.startswith(("survey_app.web", "survey_app.respondent.views")) or module in {
        "survey_app.respondent.cookies",
    }:
        return WEB
    if module in {"survey_app.models", "survey_app.db"}:
        return MODELS
    return DOMAIN


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of imports under `if TYPE_CHECKING:`."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                for sub in ast.walk(inner):
                    if isinstance(sub, ast.Import | ast.ImportFrom):
                        lines.add(sub.lineno)
    return lines


def imports_of(module: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(imported name, line) for each import in the module, relative ones resolved; a `from x
    import y` names x.y when that is a module of the project."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom) or node.lineno in skip:
            continue
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            found.append((candidate if candidate in known else base, node.lineno))
    return found


def violations(module: str, path: Path, known: set[str]) -> list[str]:
    """Each import of module that reaches a layer above its own, or the web from below it."""
    own = layer(module)
    wrong = []
    for imported, line in imports_of(module, path, known):
        where = f"{path.name}:{line}"
        if imported in known and layer(imported) > own:
            wrong.append(
                f"{where} ({LAYER_NAMES[own]}) imports {imported} ({LAYER_NAMES[layer(imported)]})"
            )
        elif own <= DOMAIN and imported.split(".")[0] in WEB_LIBRARIES:
            wrong.append(f"{where} ({LAYER_NAMES[own]}) imports {imported}")
    return wrong


def test_each_layer_imports_only_itself_and_the_layers_below() -> None:
    known = modules()
    wrong = [
        f"{module}: {problem}"
        for module, path in sorted(known.items())
        for problem in violations(module, path, set(known))
    ]
    assert wrong == []


def test_the_check_catches_a_domain_module_reaching_up_to_the_web(tmp_path: Path) -> None:
    known = set(modules())
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "from flask import request\n"
        "from ..web import db_session\n"
        "def later():\n"
        "    from workers import actors\n",
        encoding="utf-8",
    )

    wrong = violations("survey_app.analysis.sneaky", sneaky, known)

    assert len(wrong) == 3
    assert any("imports flask" in problem for problem in wrong)
    assert any("survey_app.web (web)" in problem for problem in wrong)
    assert any("workers.actors (entry point)" in problem for problem in wrong)
