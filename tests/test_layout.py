"""The tree's import rules (docs/architecture.md): configuration on top, the two services' apps, the shared
Thought domain (thoughts) and core below; no import circles anywhere.

core imports neither the configuration (thinkproject) nor an app; the apps do not import the configuration;
the API and the thinker share what crosses the hop through core.contract and the domain through thoughts,
never each other's modules, but one: the API queues step 6's task by the task itself (thinker_app.tasks), as Celery
has a producer do, which is what gives the enqueue its span.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# (package, modules it must not import)
RULES = {
    "core": ("thinkproject", "api_app", "thinker_app", "thoughts"),
    "thoughts": ("thinkproject", "api_app", "thinker_app"),
    "api_app": ("thinkproject", "thinker_app"),
    "thinker_app": ("thinkproject", "api_app"),
}
# (package, module): the one import across the services (see above).
ACROSS = {("api_app", "thinker_app.tasks"), ("api_app", "thinker_app.tasks.rethink_later")}
PACKAGES = ("core", "thoughts", "api_app", "thinker_app", "thinkproject", "harness")


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
        and (package, module) not in ACROSS
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
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if reads_step_propagation(path)
    }
    assert readers == {"core/tracing/propagation.py"}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Project module -> the project modules it imports (at the top or inside a function alike)."""
    paths = {module_name(path): path for package in PACKAGES for path in (REPO / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets = set()
        for imported in imported_modules(path):
            # `from core import tracing` names core.tracing; `from core.tracing import span` names core.tracing.
            while imported and imported not in paths:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of `graph`: its strongly connected parts of more than one module (Tarjan's)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_its_way_back_to_itself():
    graph = import_graph()
    assert {"core.tracing", "core.tracing.propagation", "thoughts.models"} <= graph.keys()  # the scan sees them
    assert circles(graph) == []


def test_the_circle_check_sees_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
