"""Every third-party module the code imports is a runtime dependency of the package (issue 14):
`pip install doudi` without extras runs every command. The Spark backend is the one optional
extra, and it is imported only inside the functions that use it."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "doudi"
OPTIONAL = {"spark"}  # extras a plain install may lack


def _requirements(specs: list[str]) -> set[str]:
    return {re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0].lower() for spec in specs}


def _imports() -> dict[str, list[tuple[Path, bool]]]:
    """Top-level third-party module → [(file, imported at module level)]."""
    found: dict[str, list[tuple[Path, bool]]] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "doudi" or top in sys.stdlib_module_names:
                    continue
                found.setdefault(top, []).append((path, id(node) in top_level))
    return found


def test_every_imported_module_is_a_declared_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _requirements(project["dependencies"])
    optional = {
        extra: _requirements(specs)
        for extra, specs in project["optional-dependencies"].items()
        if extra in OPTIONAL
    }
    distributions = packages_distributions()
    imports = _imports()
    assert {"pandas", "numpy", "sklearn", "duckdb", "django"} <= set(imports)
    missing = []
    for module, sites in sorted(imports.items()):
        dists = {d.lower() for d in distributions.get(module, [module])}
        if dists & runtime:
            continue
        extra = next((e for e, reqs in optional.items() if dists & reqs), None)
        if extra is not None and not any(at_top for _, at_top in sites):
            continue  # an optional backend, imported where it is used
        missing.append(f"{module} ({', '.join(sorted(dists))}) in {sites[0][0].relative_to(ROOT)}")
    assert missing == [], "imported at run time but not a runtime dependency: " + "; ".join(missing)


def test_runtime_dependencies_have_upper_bounds_for_the_analytics_stack():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounded = {
        re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0].lower()
        for spec in project["dependencies"]
        if "<" in spec
    }
    assert {"pandas", "numpy", "scikit-learn", "splink"} <= bounded
