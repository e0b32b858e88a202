"""The docs keep up with the code: every variable documented, every link and picture there, the workshop's
code snippets the code's own lines, a page per step, a README a newcomer reads in five minutes."""

import ast
import re
import runpy
from pathlib import Path

import pytest

from core.steps import STEPS

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
PAGES = [REPO / "README.md", *sorted((REPO / "perf").glob("*.md")), *sorted(DOCS.rglob("*.md"))]
# Where the services read their environment: Django's settings, the apps, gunicorn's config.
CONFIGURED = [*sorted((REPO / "thinkproject").rglob("*.py")), *sorted((REPO / "core").rglob("*.py")), *sorted((REPO / "api_app").rglob("*.py")),
              *sorted((REPO / "thinker_app").rglob("*.py")), *sorted((REPO / "thoughts").rglob("*.py")), REPO / "gunicorn.conf.py"]  # fmt: skip
ENV_READERS = {
    "env_str",
    "env_bool",
    "env_int",
    "env_float",
    "env_list",
    "os.environ.get",
    "environ.get",
    "os.getenv",
    "os.environ.setdefault",
}
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def environment_variables_read(path: Path) -> set[str]:
    """The names a module reads from the environment: the first argument of env_*() and os.environ.get()."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ENV_READERS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def test_every_variable_the_services_read_is_in_the_configuration_reference():
    reference = (DOCS / "configuration.md").read_text()
    read = set().union(*map(environment_variables_read, CONFIGURED))
    assert {"STEP", "DATABASE_URL", "GUNICORN_WORKERS", "THINKER_URL"} <= read  # the scan finds them
    assert sorted(name for name in read if f"`{name}`" not in reference) == []


def test_every_variable_in_tracing_env_is_in_the_configuration_reference():
    reference = (DOCS / "configuration.md").read_text()
    names = [
        line.split("=", 1)[0]
        for line in (REPO / "tracing.env").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    ]
    assert names and [name for name in names if f"`{name}`" not in reference] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(REPO)))
def test_every_link_and_picture_on_a_page_resolves(page):
    for target in LINK.findall(page.read_text()):
        if target.startswith(("http://", "https://", "#")):
            continue
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.exists(), f"{page.relative_to(REPO)} links to {target}, which does not exist"


def test_the_readme_is_read_in_five_minutes():
    assert len((REPO / "README.md").read_bytes()) <= 10 * 1024


def test_there_is_a_workshop_page_per_step_titled_as_the_step_and_linked_from_the_readme():
    readme = (REPO / "README.md").read_text()
    for number, step in STEPS.items():
        page = DOCS / "workshop" / f"step-{number}.md"
        assert page.read_text().splitlines()[0].lower() == f"# step {number}: {step.title}".lower()
        assert f"(docs/workshop/step-{number}.md)" in readme
        assert f"STEP={number} make run" in page.read_text()


@pytest.mark.parametrize("page", sorted((DOCS / "workshop").glob("step-*.md")), ids=lambda page: page.name)
def test_the_workshops_code_is_the_codes_own_lines(page):
    """A snippet on a step page is copied from a file the page links: it must still be there, verbatim."""
    text = page.read_text()
    snippets = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    linked = [(page.parent / target).resolve() for target in LINK.findall(text) if target.endswith(".py")]
    assert snippets and linked
    for snippet in snippets:
        assert any(snippet in path.read_text() for path in linked), (
            f"not found in {[p.name for p in linked]}:\n{snippet}"
        )


def test_every_picture_make_screenshots_takes_is_on_a_page_and_every_picture_is_taken():
    pictures = {
        f"{picture.name}.png"
        for step in runpy.run_path(str(REPO / "scripts/screenshots.py"))["PICTURES"].values()
        for picture in step
    }
    shown = {
        Path(target).name
        for page in PAGES
        for target in LINK.findall(page.read_text())
        if target.endswith(".png") and "images/" in target
    }
    assert pictures == {path.name for path in (DOCS / "images").glob("*.png")}
    assert pictures <= shown


def test_the_benchmarks_page_is_a_page_not_a_notebook():
    """The method, today's table and the levers that stand; the run history lives in perf/log/."""
    assert len((REPO / "perf" / "BENCHMARKS.md").read_bytes()) <= 16 * 1024
    assert sorted((REPO / "perf" / "log").glob("*.md"))


def test_make_bench_writes_its_results_where_git_does_not_look():
    """A clean checkout stays clean after `make bench` (perf/bench.py writes perf/results/)."""
    import subprocess

    from perf.bench import OUT

    for name in ("results.json", "results.md", "latency.png"):
        ignored = subprocess.run(["git", "check-ignore", "-q", str(OUT / name)], cwd=REPO, check=False)
        assert ignored.returncode == 0, f"{OUT / name} is not git-ignored"
