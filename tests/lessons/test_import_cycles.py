"""No file of the lessons app imports, however indirectly, a file that imports it
(imports made only for type checking count too)."""

import itertools

import grimp


def test_lessons_modules_import_each_other_in_no_circle():
    graph = grimp.build_graph("lessons", include_external_packages=False)
    modules = sorted(graph.find_descendants("lessons"))
    circles = [
        (graph.find_shortest_chain(a, b), graph.find_shortest_chain(b, a))
        for a, b in itertools.combinations(modules, 2)
        if graph.chain_exists(a, b) and graph.chain_exists(b, a)
    ]
    assert circles == []
