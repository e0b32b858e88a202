"""The tree's import rules (docs/architecture.md): configuration on top, the two apps, the shared core below.

core imports neither the configuration (thinkproject) nor an app; the apps do not import the configuration;
the API and the thinker share what crosses the hop through core.contract, not each other's modules (the
API serves the thinker's admin, so it may import the thinker's model, admin and seed data).
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# (package, modules it must not import)
RULES = {
    "core": ("thinkproject", "api_app", "thinker_app"),
    "api_app": ("thinkproject", "thinker_app.services", "thinker_app.serializers", "thinker_app.memo",
                "thinker_app.views", "thinker_app.selectors"),
    "thinker_app": ("thinkproject", "api_app"),
}  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


@pytest.mark.parametrize("package", RULES)
def test_no_import_runs_back_up_or_across(package):
    forbidden = RULES[package]
    found = {
        (str(path.relative_to(REPO)), module)
        for path in sorted((REPO / package).rglob("*.py"))
        for module in imported_modules(path)
        if any(module == name or module.startswith(f"{name}.") for name in forbidden)
    }
    assert not found


def test_the_rules_see_an_import_that_breaks_them(tmp_path):
    module = tmp_path / "leak.py"
    module.write_text("from thinker_app.services import think\nimport thinkproject.settings.base\n")
    assert {"thinker_app.services", "thinkproject.settings.base"} <= imported_modules(module)


def reads_step_propagation(path: Path) -> bool:
    """Whether the module reads `<...>.STEP.propagation`."""
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == "propagation"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "STEP"
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
    )


def test_the_workshops_propagation_is_decided_in_one_module():
    readers = {
        str(path.relative_to(REPO))
        for package in ("core", "api_app", "thinker_app", "thinkproject")
        for path in (REPO / package).rglob("*.py")
        if reads_step_propagation(path)
    }
    assert readers == {"core/propagation.py"}
