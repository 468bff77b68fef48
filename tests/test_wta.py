"""Weapon-target assignment against its authorities: exhaustive enumeration of every feasible plan on small random
cases (the definition of optimal), the salvo closed form 1 - (1 - p)^n, and scipy's own assignment solver."""

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from goldendome.c2.wta import Plan, assign_greedy, assign_one_to_one, assign_salvos, survive_probability

EXACT = 1e-9  # the solvers are exact; only floating-point summation order separates them from the enumeration


# ------------------------------------------------------------------------------------------------ one to one


def brute_one_to_one(value, allowed):
    """Best total over every partial matching: each weapon idle or on a distinct allowed target."""
    n_w, n_t = value.shape
    best = 0.0
    for choice in itertools.product([None, *range(n_t)], repeat=n_w):
        targets = [t for t in choice if t is not None]
        if len(set(targets)) < len(targets):
            continue
        if any(t is not None and not allowed[w, t] for w, t in enumerate(choice)):
            continue
        best = max(best, sum(value[w, t] for w, t in enumerate(choice) if t is not None))
    return best


def check_matching(value, allowed, w, t):
    assert len(set(w.tolist())) == w.size and len(set(t.tolist())) == t.size, "a weapon or target used twice"
    assert allowed[w, t].all() and (value[w, t] > 0).all()
    return float(value[w, t].sum())


@pytest.mark.parametrize("method", ["dense", "sparse", "auto"])
@pytest.mark.parametrize("shape", [(5, 5), (4, 6), (6, 4)])
def test_one_to_one_equals_exhaustive_enumeration(shape, method):
    rng = np.random.default_rng(sum(shape))
    for _ in range(8):
        value = rng.normal(0.5, 1.0, shape)  # some pairs negative: never worth taking
        allowed = rng.random(shape) < 0.6
        w, t = assign_one_to_one(value, allowed, method=method)
        assert check_matching(value, allowed, w, t) == pytest.approx(brute_one_to_one(value, allowed), abs=EXACT)


def test_one_to_one_never_picks_a_disallowed_pair_however_valuable():
    value = np.array([[100.0, 1.0, 0.0], [1.0, 100.0, 2.0]])
    allowed = np.array([[False, True, True], [True, False, True]])
    for method in ("dense", "sparse"):
        w, t = assign_one_to_one(value, allowed, method=method)
        assert list(zip(w.tolist(), t.tolist(), strict=True)) == [(0, 1), (1, 2)]


@pytest.mark.parametrize("shape", [(0, 0), (0, 4), (3, 0)])
def test_one_to_one_empty_inputs_give_no_pairs(shape):
    w, t = assign_one_to_one(np.zeros(shape))
    assert w.size == 0 and t.size == 0


def test_one_to_one_with_nothing_worth_engaging_gives_no_pairs():
    for method in ("dense", "sparse"):
        assert assign_one_to_one(-np.ones((3, 4)), method=method)[0].size == 0
        assert assign_one_to_one(np.ones((3, 4)), np.zeros((3, 4), bool), method=method)[0].size == 0


def test_one_to_one_sparse_equals_scipy_dense_on_a_sparse_problem():
    """The sparse LAPJVsp path against scipy's dense linear_sum_assignment (Crouse 2016) on the same problem,
    disallowed pairs at value 0 for scipy (a value that adds nothing)."""
    rng = np.random.default_rng(7)
    value = rng.random((300, 400))
    allowed = rng.random(value.shape) < 0.03
    w, t = assign_one_to_one(value, allowed, method="sparse")
    dense = np.where(allowed, value, 0.0)
    r, c = linear_sum_assignment(dense, maximize=True)
    assert check_matching(value, allowed, w, t) == pytest.approx(dense[r, c].sum(), rel=1e-12)
    assert w.size > 250  # a partial matching: not every weapon has an allowed target


# ------------------------------------------------------------------------------------------------ salvos


def expected_value(v, pk, shots):
    """Expected value destroyed, the WTA objective (Manne 1958): sum_t v_t (1 - prod_b (1 - p_bt)^x_bt)."""
    return float(np.sum(v * (1.0 - np.prod((1.0 - pk) ** shots, axis=0))))


def brute_salvos(v, pk, cap, cost, max_shots, cw, one_battery, sizes):
    """Best net objective over every shot matrix with entries in `sizes` (plus 0), within each battery's rounds,
    engaging only pairs with pk > 0, one battery per target when asked."""
    n_b, n_t = pk.shape
    best = 0.0
    for flat in itertools.product([0, *sizes], repeat=n_b * n_t):
        x = np.array(flat).reshape(n_b, n_t)
        if (x.sum(axis=1) > cap).any() or (x[pk == 0] > 0).any():
            continue
        if one_battery and ((x > 0).sum(axis=0) > 1).any():
            continue
        best = max(best, expected_value(v, pk, x) - cw * float(np.sum(x * cost[:, None])))
    return best


def random_case(rng, identical=False):
    v = rng.uniform(0, 100, 3)
    pk = np.where(rng.random((2, 3)) < 0.8, rng.uniform(0.2, 0.9, (2, 3)), 0.0)
    if identical:
        pk = np.broadcast_to(rng.uniform(0.2, 0.9, 3), (2, 3)).copy()
    inventory = rng.integers(0, 4, 2)
    return v, pk, inventory, rng.uniform(1.0, 3.0, 2)


def test_salvo_milp_equals_exhaustive_enumeration():
    rng = np.random.default_rng(1)
    for trial in range(40):
        v, pk, inv, cost = random_case(rng)
        ready = rng.integers(0, 4, 2)
        cw = 0.0 if trial % 2 else rng.uniform(0, 10)
        plan = assign_salvos(v, pk, inv, cost, max_shots=2, cost_weight=cw, ready=ready)
        best = brute_salvos(v, pk, np.minimum(inv, ready), cost, 2, cw, True, (1, 2))
        assert plan.status in ("optimal", "empty")
        assert plan.expected_value - cw * plan.cost == pytest.approx(best, abs=EXACT)
        assert plan.expected_value == pytest.approx(expected_value(v, pk, plan.shots), abs=EXACT)


def test_salvo_plan_respects_inventory_ready_and_one_battery_per_target():
    rng = np.random.default_rng(2)
    n_b, n_t = 6, 40
    pk = np.where(rng.random((n_b, n_t)) < 0.4, rng.uniform(0.3, 0.9, (n_b, n_t)), 0.0)
    inv = rng.integers(0, 12, n_b)
    ready = rng.integers(0, 8, n_b)
    plan = assign_salvos(rng.uniform(1, 1e4, n_t), pk, inv, np.full(n_b, 1e6), max_shots=3, ready=ready)
    assert (plan.shots.sum(axis=1) <= np.minimum(inv, ready)).all()
    assert ((plan.shots > 0).sum(axis=0) <= 1).all()
    assert (plan.shots[pk == 0] == 0).all() and (plan.shots <= 3).all()
    assert plan.cost == pytest.approx(1e6 * plan.shots.sum())


def test_exact_doctrine_fires_a_full_salvo_or_nothing_and_is_optimal():
    rng = np.random.default_rng(3)
    for _ in range(20):
        v, pk, inv, cost = random_case(rng)
        plan = assign_salvos(v, pk, inv, cost, max_shots=2, exact=True)
        assert np.isin(plan.shots, (0, 2)).all()
        assert plan.expected_value == pytest.approx(brute_salvos(v, pk, inv, cost, 2, 0.0, True, (2,)), abs=EXACT)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_single_target_value_is_the_salvo_closed_form(n):
    """n independent shots of kill probability p kill with probability 1 - (1 - p)^n (Przemieniecki 2000)."""
    value, p = 1000.0, 0.7
    plan = assign_salvos([value], [[p]], [n], [1.0], max_shots=n)
    assert plan.shots.tolist() == [[n]] and plan.status == "optimal"
    assert plan.expected_value == pytest.approx(value * (1 - (1 - p) ** n), rel=1e-14)
    assert survive_probability([[p]], [[n]]) == pytest.approx((1 - p) ** n, rel=1e-14)


def test_cost_weight_above_the_first_rounds_return_fires_nothing():
    """The first round buys v p; it is worth firing exactly when v p > cost_weight * unit_cost."""
    value, p, cost = 500.0, 0.6, 2.0e6
    threshold = value * p / cost
    assert assign_salvos([value], [[p]], [4], [cost], cost_weight=threshold * 0.999).shots.sum() >= 1
    for solve in (assign_salvos, assign_greedy):
        plan = solve([value], [[p]], [4], [cost], cost_weight=threshold * 1.001)
        assert plan.shots.sum() == 0 and plan.status == "empty" and plan.expected_value == 0 and plan.cost == 0


def test_no_engageable_pair_gives_an_empty_plan():
    plan = assign_salvos([10.0, 20.0], np.zeros((3, 2)), [2, 2, 2], [1.0, 1.0, 1.0])
    assert isinstance(plan, Plan) and plan.status == "empty" and plan.shots.shape == (3, 2)
    assert assign_salvos(np.zeros(0), np.zeros((0, 0)), np.zeros(0), np.zeros(0)).status == "empty"


def test_survive_probability_is_the_product_over_batteries():
    pk = np.array([[0.5, 0.0, 1.0], [0.2, 0.3, 0.4]])
    shots = np.array([[2, 0, 0], [1, 3, 1]])
    want = [0.5**2 * 0.8, 0.7**3, 0.6]  # pk = 1 with 0 shots must not kill
    assert survive_probability(pk, shots) == pytest.approx(want, rel=1e-14)


# ------------------------------------------------------------------------------------------------ greedy


def test_greedy_equals_exhaustive_enumeration_on_identical_weapons():
    """Maximum marginal return is optimal for identical weapons (den Broeder, Ellison & Emerling 1959): pk the
    same for every battery, max_shots (2) never binding below the rounds (0..2 here)."""
    rng = np.random.default_rng(4)
    for trial in range(30):
        v, pk, _, cost = random_case(rng, identical=True)
        inv = rng.integers(0, 3, 2)
        cw = 0.0 if trial % 2 else rng.uniform(0, 10)
        plan = assign_greedy(v, pk, inv, cost, max_shots=2, cost_weight=cw)
        best = brute_salvos(v, pk, inv, cost, 2, cw, False, (1, 2))
        assert plan.expected_value - cw * plan.cost == pytest.approx(best, abs=EXACT)
        assert plan.status in ("optimal", "empty")


def test_greedy_is_feasible_and_never_worse_than_firing_nothing():
    rng = np.random.default_rng(5)
    for trial in range(30):
        v, pk, inv, cost = random_case(rng)
        cw = 0.0 if trial % 2 else rng.uniform(0, 10)
        plan = assign_salvos(v, pk, inv, cost, max_shots=2, cost_weight=cw, one_battery_per_target=False)
        net = plan.expected_value - cw * plan.cost
        assert 0 <= net <= brute_salvos(v, pk, inv, cost, 2, cw, False, (1, 2)) + EXACT
        assert (plan.shots.sum(axis=1) <= inv).all() and (plan.shots <= 2).all() and (plan.shots[pk == 0] == 0).all()
        assert plan.status in ("heuristic", "optimal", "empty")


def test_greedy_shares_a_high_value_target_between_batteries():
    """Two batteries of pk 0.5 on one target: two rounds leave 0.25, whichever batteries fire them."""
    plan = assign_greedy([100.0], [[0.5], [0.5]], [1, 1], [1.0, 1.0], max_shots=1)
    assert plan.shots.tolist() == [[1], [1]] and plan.expected_value == pytest.approx(75.0)


def test_greedy_exact_doctrine_and_one_battery_per_target():
    rng = np.random.default_rng(6)
    pk = rng.uniform(0.2, 0.9, (4, 10))
    plan = assign_greedy(
        rng.uniform(1, 10, 10), pk, [5, 4, 3, 6], np.ones(4), max_shots=2, exact=True, one_battery_per_target=True
    )
    assert np.isin(plan.shots, (0, 2)).all() and ((plan.shots > 0).sum(axis=0) <= 1).all()
    assert (plan.shots.sum(axis=1) <= [5, 4, 3, 6]).all()


# ------------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pk": [[1.2, 0.5]]}, "pk must lie in"),
        ({"pk": [[0.5, 0.5, 0.5]]}, "pk must be"),
        ({"target_value": [-1.0, 1.0]}, "target_value must be finite and >= 0"),
        ({"inventory": [-1]}, "inventory must be finite and >= 0"),
        ({"inventory": [1.5]}, "inventory must hold whole rounds"),
        ({"inventory": [1, 2]}, "inventory must be a"),
        ({"ready": [-2]}, "ready must be finite"),
        ({"unit_cost": [1.0, 2.0]}, "unit_cost must be a"),
        ({"max_shots": 0}, "max_shots must be"),
        ({"cost_weight": -1.0}, "cost_weight must be"),
        ({"time_limit_s": 0.0}, "time_limit_s must be"),
    ],
)
def test_bad_salvo_input_names_the_argument(kwargs, message):
    args = {"target_value": [1.0, 2.0], "pk": [[0.5, 0.5]], "inventory": [2], "unit_cost": [1.0]} | kwargs
    with pytest.raises(ValueError, match=message):
        assign_salvos(**args)


def test_bad_one_to_one_input_names_the_argument():
    with pytest.raises(ValueError, match="value must be a"):
        assign_one_to_one(np.ones(3))
    with pytest.raises(ValueError, match="NaN"):
        assign_one_to_one(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="allowed has shape"):
        assign_one_to_one(np.ones((2, 3)), np.ones((3, 2), bool))
    with pytest.raises(ValueError, match="method must be"):
        assign_one_to_one(np.ones((2, 3)), method="hungarian")


@pytest.mark.parametrize("scarce", [True, False])
def test_auto_method_hands_large_decisions_to_greedy_within_two_percent_of_the_milp(scarce):
    """Issue 16: a decision too large for the exact program goes to the maximum marginal return heuristic
    (method='auto'); on a seeded family of battle-manager-sized decisions (200 targets x 6 batteries, values spread
    over three orders of magnitude as metros are, 60 % of pairs engageable, inventory scarce or plentiful) its plan
    is worth at least 98 % of the MILP's proved optimum."""
    from goldendome.c2 import wta

    rng = np.random.default_rng(16)
    for _ in range(5):
        n_b, n_t = 6, 200
        v = rng.uniform(1e4, 1e7, n_t)
        pk = np.where(rng.random((n_b, n_t)) < 0.6, rng.uniform(0.3, 0.9, (n_b, n_t)), 0.0)
        inv = rng.integers(5, 20, n_b) if scarce else np.full(n_b, 200)
        cost = rng.uniform(5.0, 80.0, n_b)
        exact = assign_salvos(v, pk, inv, cost, max_shots=2)
        old, wta.MILP_MAX_VARS = wta.MILP_MAX_VARS, 10  # force the heuristic on the same decision
        try:
            fast = assign_salvos(v, pk, inv, cost, max_shots=2, method="auto")
        finally:
            wta.MILP_MAX_VARS = old
        assert exact.status == "optimal" and fast.status == "heuristic"
        assert (fast.shots.sum(axis=1) <= inv).all() and ((fast.shots > 0).sum(axis=0) <= 1).all()
        assert fast.expected_value >= 0.98 * exact.expected_value
        assert fast.expected_value <= exact.expected_value * (1 + 1e-9)
