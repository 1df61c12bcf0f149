"""Group privacy: (eps, delta) per row is (k eps, delta sum_{i<k} e^(i eps)) per group of k rows,
and row_budget_for_group is its exact inverse."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.accounting import group_privacy, row_budget_for_group
from privacy.errors import PrivacyBudgetError


def test_one_row_is_the_identity():
    assert group_privacy(1.3, 1e-6, group_size=1) == (1.3, 1e-6)
    assert row_budget_for_group(1.3, 1e-6, group_size=1) == (1.3, 1e-6)


def test_hand_computed_values():
    eps, delta = group_privacy(1.0, 1e-6, group_size=3)
    assert eps == 3.0
    assert delta == pytest.approx(1e-6 * (1 + math.e + math.e**2), rel=1e-14)
    eps, delta = group_privacy(0.5, 0.0, group_size=4)
    assert (eps, delta) == (2.0, 0.0)
    eps, delta = group_privacy(0.0, 1e-7, group_size=5)
    assert (eps, delta) == (0.0, 5e-7)


@pytest.mark.parametrize("k", [2, 3, 10, 40])
@pytest.mark.parametrize("eps", [1e-6, 0.1, 1.0, 3.0])
def test_the_exact_sum_is_between_k_delta_and_the_textbook_bound(k, eps):
    _, delta_k = group_privacy(eps, 1e-60, group_size=k)
    terms = math.fsum(math.exp(i * eps) for i in range(k))
    assert delta_k == pytest.approx(1e-60 * terms, rel=1e-12)
    assert k * 1e-60 <= delta_k <= k * math.exp((k - 1) * eps) * 1e-60 * (1 + 1e-12)


@settings(max_examples=30, deadline=None)
@given(
    eps=st.floats(min_value=1e-4, max_value=20),
    delta=st.floats(min_value=1e-15, max_value=1e-2),
    k=st.integers(min_value=1, max_value=60),
)
def test_row_budget_for_group_is_the_exact_inverse(eps, delta, k):
    eps_row, delta_row = row_budget_for_group(eps, delta, group_size=k)
    assert eps_row == pytest.approx(eps / k, rel=1e-15)
    eps_k, delta_k = group_privacy(eps_row, delta_row, group_size=k)
    assert eps_k == pytest.approx(eps, rel=1e-12)
    assert delta_k == pytest.approx(delta, rel=1e-12)


def test_a_vacuous_group_delta_is_refused():
    with pytest.raises(PrivacyBudgetError, match="guarantees nothing"):
        group_privacy(2.0, 1e-3, group_size=10)  # delta * sum ~ 1e-3 * e^18 > 1
    with pytest.raises(PrivacyBudgetError, match="guarantees nothing"):
        group_privacy(50.0, 1e-6, group_size=20)  # e^950 overflows a float
    assert group_privacy(50.0, 0.0, group_size=20) == (1000.0, 0.0)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((-1.0, 1e-6, 2), "epsilon must be"),
        ((math.inf, 1e-6, 2), "epsilon must be"),
        ((1.0, 1.0, 2), "delta must be"),
        ((1.0, -1e-6, 2), "delta must be"),
        ((1.0, 1e-6, 0), "group_size must be"),
        ((1.0, 1e-6, 2.0), "group_size must be"),
        ((1.0, 1e-6, True), "group_size must be"),
    ],
)
def test_bad_arguments_are_refused(args, fragment):
    eps, delta, k = args
    with pytest.raises(PrivacyBudgetError, match=fragment):
        group_privacy(eps, delta, group_size=k)
    with pytest.raises(PrivacyBudgetError, match=fragment):
        row_budget_for_group(eps, delta, group_size=k)


def test_a_zero_target_epsilon_is_refused():
    with pytest.raises(PrivacyBudgetError, match="target_epsilon must be > 0"):
        row_budget_for_group(0.0, 1e-6, group_size=2)
