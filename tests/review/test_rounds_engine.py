"""The pure rules of rounds: shortlists (top N, threshold, ties at the line) and the
combined ranking, checked against hand-computed cases."""

import pytest

from grants.review.engine.rounds import RoundResult, combine, shortlist


def outcomes(lines):
    return {line.application_id: line.outcome for line in lines}


def test_top_n_takes_the_best_n():
    lines = shortlist({"a": 90, "b": 80, "c": 70, "d": 60}, rule="top_n", size=2)
    assert outcomes(lines) == {"a": "in", "b": "in", "c": "out", "d": "out"}
    assert [line.rank for line in lines] == [1, 2, 3, 4]


def test_top_n_leaves_the_applications_tied_at_the_line_to_the_officer():
    lines = shortlist({"a": 90, "b": 80, "c": 70, "d": 70, "e": 60}, rule="top_n", size=3)
    assert outcomes(lines) == {"a": "in", "b": "in", "c": "tie", "d": "tie", "e": "out"}
    assert [line.rank for line in lines] == [1, 2, 3, 3, 5]


def test_a_tie_that_fits_inside_n_is_no_tie():
    assert outcomes(shortlist({"a": 90, "b": 80, "c": 80, "d": 60}, rule="top_n", size=3)) == {
        "a": "in",
        "b": "in",
        "c": "in",
        "d": "out",
    }


def test_ties_are_judged_at_two_decimals_as_the_officer_sees_them():
    lines = shortlist({"a": 80.001, "b": 79.999, "c": 50}, rule="top_n", size=1)
    assert outcomes(lines) == {"a": "tie", "b": "tie", "c": "out"}


def test_fewer_applications_than_n_all_go_on():
    assert set(outcomes(shortlist({"a": 10, "b": 20}, rule="top_n", size=5)).values()) == {"in"}


def test_threshold_takes_every_score_at_or_above_it():
    assert outcomes(shortlist({"a": 75, "b": 74.99, "c": 75.0}, rule="threshold", threshold=75)) == {
        "a": "in",
        "b": "out",
        "c": "in",
    }


def test_a_rule_without_its_number_is_refused():
    with pytest.raises(ValueError):
        shortlist({"a": 1}, rule="top_n")
    with pytest.raises(ValueError):
        shortlist({"a": 1}, rule="threshold")


def test_combined_score_is_the_weighted_mean_over_the_rounds_taken():
    # Expert 60, defence 40. A: 0.6·90 + 0.4·70 = 82; B: 0.6·80 + 0.4·90 = 84.
    # C did not reach the defence: its expert score alone (70).
    combined = combine(
        [
            RoundResult(weight=60, scores={"a": (90, 91), "b": (80, 79), "c": (70, 70)}),
            RoundResult(weight=40, scores={"a": (70, 60), "b": (90, 100)}),
        ]
    )
    assert combined["a"] == pytest.approx((82.0, 0.6 * 91 + 0.4 * 60))
    assert combined["b"] == pytest.approx((84.0, 0.6 * 79 + 0.4 * 100))
    assert combined["c"] == pytest.approx((70.0, 70.0))


def test_one_round_gives_its_own_scores_back():
    assert combine([RoundResult(weight=100, scores={"a": (61.5, 58.25)})]) == {"a": (61.5, 58.25)}


def test_rounds_weighted_zero_fall_back_to_their_plain_mean():
    assert combine([RoundResult(weight=0, scores={"a": (60, 50)}), RoundResult(weight=0, scores={"a": (80, 70)})]) == {
        "a": (70.0, 60.0)
    }
