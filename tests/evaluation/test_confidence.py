"""The paired change in confidence from entry, checked against figures worked out by hand."""

from __future__ import annotations

import pytest

from enhance.evaluation.confidence import paired_change


def test_changes_1_2_3_4_give_the_hand_computed_mean_interval_and_exact_signed_rank_p():
    # mean 2.5; sd = sqrt(5/3) = 1.29099; se = 0.645497; t(0.975, 3) = 3.182446 -> half 2.05426
    # signed-rank: all four positive, no ties, so the exact two-sided p is 2 x 1/16 = 0.125
    change = paired_change({1: 1, 2: 1, 3: 1, 4: 1})
    assert change.n == 4
    assert change.mean == pytest.approx(2.5)
    assert change.low == pytest.approx(2.5 - 2.05426, abs=1e-4)
    assert change.high == pytest.approx(2.5 + 2.05426, abs=1e-4)
    assert change.p == pytest.approx(0.125)


def test_counts_of_repeated_changes_are_the_same_as_listing_each_learner():
    # changes 1, 2, 0, 1, 3: mean 1.4; sd = sqrt(1.3); se = 0.509902; t(0.975, 4) = 2.776445
    change = paired_change({0: 1, 1: 2, 2: 1, 3: 1})
    assert change.n == 5
    assert change.mean == pytest.approx(1.4)
    assert change.low == pytest.approx(1.4 - 1.415718, abs=1e-4)
    assert change.high == pytest.approx(1.4 + 1.415718, abs=1e-4)
    # signed-rank with ties, normal approximation: non-zero changes 1, 1, 2, 3 rank 1.5, 1.5, 3,
    # 4, all positive, so W+ = 10; mean 5, variance 4*5*9/24 - (2^3 - 2)/48 = 7.375;
    # z = 5 / sqrt(7.375) = 1.8411, two-sided p = 0.0656
    assert change.p == pytest.approx(0.0656, abs=1e-4)


def test_no_change_at_all_has_no_p_value_and_a_zero_width_interval():
    change = paired_change({0: 6})
    assert (change.n, change.mean, change.low, change.high, change.p) == (6, 0, 0, 0, None)


def test_nobody_and_one_learner_give_what_can_be_said():
    assert paired_change({}).n == 0
    one = paired_change({2: 1})
    assert (one.n, one.mean, one.low, one.p) == (1, 2, None, None)
