"""The dependency rules between apps, read from the source: the catalog and portal/ know no
domain app, and no app reaches another through importlib."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = {
    "reports",
    "dialogue",
    "informs",
    "consultations",
    "compliance",
    "endusers",
    "insight",
}
ACCOUNT_APPS = {"accounts", "signin", "apitokens", "gbizid"}
APPS = {"portal", "catalog", *DOMAIN_APPS, *ACCOUNT_APPS}


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(), filename=str(path))


def _imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    ("app", "allowed_exceptions"),
    [
        ("catalog", set()),
        # Demo seeding creates reports and messages on purpose; nothing else in portal/ may.
        ("portal", {"portal/management/commands/seed_demo.py"}),
        # People and sign-in know nothing of reports: a member's reports stay with the
        # organisation because reports belong to it.
        ("accounts", set()),
        ("signin", set()),
        ("apitokens", set()),
        ("gbizid", set()),
    ],
)
def test_app_imports_no_domain_app(app, allowed_exceptions):
    offenders = []
    for path, tree in _sources(app):
        relative = str(path.relative_to(ROOT))
        if relative in allowed_exceptions:
            continue
        for module in _imported_modules(tree):
            if module.split(".")[0] in DOMAIN_APPS:
                offenders.append(f"{relative}: {module}")
    assert offenders == []


@pytest.mark.parametrize("app", sorted(APPS))
def test_no_app_code_uses_importlib(app):
    offenders = []
    for path, tree in _sources(app):
        modules = _imported_modules(tree)
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
        ]
        if "importlib" in modules or calls:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize("app", sorted(APPS))
def test_no_app_code_swallows_import_or_attribute_errors(app):
    offenders = []
    for path, tree in _sources(app):
        for node in ast.walk(tree):
            if not isinstance(node, ast.ExceptHandler) or node.type is None:
                continue
            names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
            if names & {"ImportError", "ModuleNotFoundError", "AttributeError"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
