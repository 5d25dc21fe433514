"""The package's shape, as docs/architecture.md describes it, checked on the source.

One concern per package, no import cycles, no reaching into another package's
private names, Keras private attributes read in kit/graph.py alone, ``__all__``
in every public module, no class defined inside a function, and ``import kit``
free of side effects.
"""

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "kit"
MODULES = sorted(KIT.rglob("*.py"))

#: Keras internals that only kit/graph.py may read.
KERAS_PRIVATE = (
    "_inbound_nodes",
    "_keras_history",
    "_nodes_by_depth",
    "parent_nodes",
    "_operation_node",
    "_symbolic_build",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(name: str) -> str:
    """``kit.training.runs`` -> ``kit.training``; top-level modules are their own package."""
    parts = name.split(".")
    return ".".join(parts[:2])


def imports(path: Path):
    """(imported module, imported names) for every ``import``/``from`` in a file, lazy ones too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:
                anchor = here.split(".")[: len(here.split(".")) - node.level + (path.name == "__init__.py")]
                base = ".".join(anchor + [node.module])
            yield base, tuple(alias.name for alias in node.names)


def kit_modules():
    return {module_name(path) for path in MODULES}


def import_graph() -> nx.DiGraph:
    known = kit_modules()
    graph = nx.DiGraph()
    for path in MODULES:
        here = module_name(path)
        graph.add_node(here)
        for target, names in imports(path):
            # ``from package import module`` depends on the module, not on the package's __init__.
            submodules = [f"{target}.{name}" for name in names if f"{target}.{name}" in known]
            other_names = len(submodules) < len(names) or not names
            for candidate in submodules + ([target] if other_names else []):
                if candidate in known and candidate != here:
                    graph.add_edge(here, candidate)
    return graph


def test_the_module_import_graph_has_no_cycles():
    graph = import_graph()
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"import cycles: {cycles}"


def test_no_module_imports_a_private_name_of_another_package():
    offences = []
    for path in MODULES:
        here = module_name(path)
        for target, names in imports(path):
            if not target.startswith("kit"):
                continue
            same_package = package_of(target) == package_of(here)
            private_names = [n for n in names if n.startswith("_") and n != "__version__"]
            if private_names and not same_package:
                offences.append(f"{here} imports {private_names} from {target}")
            last = target.split(".")[-1]
            # kit/_text.py and kit/_files.py are the kit's shared private helpers.
            if last.startswith("_") and target.count(".") > 1 and not same_package:
                offences.append(f"{here} imports the private module {target}")
    assert offences == []


def test_only_kit_graph_reads_keras_private_attributes():
    offences = []
    for path in MODULES:
        if path == KIT / "graph.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in KERAS_PRIVATE:
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} reads .{node.attr}")
    assert offences == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_public_module_declares_all(path):
    if path.name.startswith("_") and path.name != "__init__.py":
        pytest.skip("private module")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert "__all__" in assigned


def test_no_class_is_defined_inside_a_function():
    offences = []
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = [n.name for n in ast.walk(node) if isinstance(n, ast.ClassDef)]
                if inner:
                    offences.append(f"{path.relative_to(ROOT)}: {node.name} defines {inner}")
    assert offences == []


def test_import_kit_loads_no_tensorflow_and_changes_nothing():
    script = (
        "import sys, random, matplotlib, logging\n"
        "state = random.getstate(); params = dict(matplotlib.rcParams); level = logging.root.level\n"
        "import kit\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TensorFlow loaded'\n"
        "assert random.getstate() == state and dict(matplotlib.rcParams) == params\n"
        "assert logging.root.level == level\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.stdout.strip() == "ok", done.stderr
