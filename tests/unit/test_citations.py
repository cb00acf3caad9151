from knowledge.answer.check.citations import markers, reconcile
from knowledge.answer.record import Citation


def _citation(n: int) -> Citation:
    return Citation(n, f"title {n}", "", "", "", None, f"doc{n}", "quote")


def test_dangling_markers_go_and_sources_are_renumbered_by_first_use() -> None:
    text, citations = reconcile("B fell [2]. A rose [9]. C too [2][1].", [_citation(1), _citation(2), _citation(3)])

    assert text == "B fell [1]. A rose. C too [1][2]."
    assert [(c.n, c.title) for c in citations] == [(1, "title 2"), (2, "title 1")]


def test_comma_lists_are_understood() -> None:
    assert markers("x [1, 3] y [2]") == [1, 3, 2]


def test_no_markers_means_no_sources() -> None:
    text, citations = reconcile("Nothing cited.", [_citation(1)])

    assert (text, citations) == ("Nothing cited.", ())
