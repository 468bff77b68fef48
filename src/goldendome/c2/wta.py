"""Weapon-target assignment (WTA): which battery fires how many interceptors at which threat in one decision.

The static WTA problem (Manne 1958; den Broeder, Ellison & Emerling 1959; survey and algorithms in Ahuja, Kumar,
Jha & Orlin, "Exact and heuristic algorithms for the weapon-target assignment problem", *Operations Research*
55(6), 2007) maximises the value destroyed,

    sum_t  v_t (1 - prod_b (1 - p_bt)^x_bt),

over integer shot counts x_bt >= 0 with sum_t x_bt <= rounds of battery b. Shots are independent Bernoulli trials,
so a target that survives n shots of kill probability p does so with probability (1 - p)^n -- the salvo (leakage)
closed form. The product over batteries makes the objective nonlinear and the problem NP-complete in general
(Lloyd & Witsenhausen 1986). Three solvers, each exact where it says so:

- ``assign_one_to_one``: one weapon per target and one target per weapon with additive pair values -- the linear
  assignment problem, solved exactly by the Jonker-Volgenant algorithm (scipy's ``linear_sum_assignment``) or, for
  sparse pair sets, by its sparse variant LAPJVsp (``min_weight_full_bipartite_matching``).
- ``assign_salvos``: salvo doctrine with at most one battery per target, so each target's kill probability is
  1 - (1 - p_bt)^n of the one battery that engages it and the objective is linear in binary choices
  z[b, t, n] = "battery b fires exactly n shots at t": a 0-1 program solved to optimality by HiGHS
  (``scipy.optimize.milp``; Huangfu & Hall, *Math. Prog. Comp.* 10, 2018).
- ``assign_greedy``: several batteries may share a target (the nonlinear objective above); the maximum marginal
  return heuristic gives each next shot to the (battery, target) with the largest gain. It is optimal when the
  weapons are identical (den Broeder et al. 1959; Ahuja et al. 2007), a heuristic otherwise.

All values are in the caller's unit of value (people threatened, dollars of asset, ...); ``cost_weight`` converts
dollars into that unit (value units per $), so the objective part -cost_weight * $ spent trades rounds against value.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

SPARSE_DENSITY = 0.1
"""``assign_one_to_one(method='auto')`` uses the sparse solver when fewer than this fraction of the pairs can score
(allowed and value > 0) and the matrix has at least ``SPARSE_MIN_PAIRS`` entries. Measured once on a development
machine (uniform random values, square matrices): the sparse solver is about as fast as the dense one at 10 %
density for 300 x 300 and 2x faster at 1 % to 10 % for 1,000 x 1,000; a crossover, not a published figure."""

SPARSE_MIN_PAIRS = 50_000
"""Below this many pairs (about 220 x 220) the dense solver takes under a millisecond and the sparse path's setup
does not pay (same measurement)."""

MIP_REL_GAP = 1e-9
"""HiGHS stops when (best bound - incumbent) / incumbent <= this. HiGHS's own default, 1e-4, may stop 0.01 % short
of the optimum; the salvo problems of one decision are small enough to close the gap (a 12 x 200 x 3 problem closes
it in well under a second, bench/bench_wta.py). ``time_limit_s`` bounds the worst case."""


MILP_MAX_VARS = 6000
"""``assign_salvos(method='auto')`` solves the 0-1 program exactly up to this many binary variables (engageable
(battery, target, salvo size) choices with a positive net gain) and hands larger decisions to the maximum marginal
return heuristic. Measured on this project's 2-core development machine (bench/bench_wta.py, random values and
kill probabilities, 60 % of pairs engageable): HiGHS takes ~0.03 s at 200 targets x 6 batteries x 2 sizes and
~0.3 s at 1,000 x 12 x 2, growing faster than the problem, while the heuristic's plan is worth within 1 % of the
proved optimum on those instances (tests/test_wta.py checks 2 % on a seeded family); a crossover, not a published
figure."""


@dataclass(frozen=True, eq=False)  # eq=False: dataclass equality on ndarray fields is ambiguous
class Plan:
    """One decision of the battle manager: the shots each battery fires at each target, and what they buy.

    shots: (B, T) int, interceptors battery b fires at target t in this decision.
    expected_value: sum_t value_t (1 - prod_b (1 - p_bt)^shots_bt), the value expected to be saved (destroyed
        threat value), exact for the shots chosen whatever the solver.
    cost: sum_bt shots_bt * unit_cost_b, $.
    status: 'optimal' (proved optimal by the MILP, or greedy on a problem where greedy is exact -- see
        ``assign_greedy``), 'time_limit' (the MILP's best plan found within the time limit), 'heuristic' (greedy
        maximum marginal return, not proved optimal), 'empty' (nothing worth firing at: no pair with pk > 0 and a
        positive net gain).
    """

    shots: np.ndarray
    expected_value: float
    cost: float
    status: str


# ------------------------------------------------------------------------------------------------ one to one


def assign_one_to_one(value, allowed=None, *, method: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Each weapon (row) to at most one target (column), each target to at most one weapon, maximising total value.

    value: (W, T) float, value of weapon w engaging target t (e.g. v_t p_wt, the expected value destroyed); -inf and
        values <= 0 are never chosen.
    allowed: optional (W, T) bool, False where weapon w cannot engage t (outside its window, no fire solution).
    method: 'dense' (Jonker-Volgenant, ``scipy.optimize.linear_sum_assignment``; Crouse, *IEEE Trans. AES* 52(4),
        2016), 'sparse' (LAPJVsp, ``scipy.sparse.csgraph.min_weight_full_bipartite_matching``, on the scoring pairs
        only), or 'auto' (sparse when fewer than ``SPARSE_DENSITY`` of the pairs score).

    Returns (weapon_idx, target_idx), int arrays of the chosen pairs sorted by weapon, only pairs that are allowed
    and have value > 0.

    Why this is exact for a partial matching: a pair of value <= 0 never raises the total, so the problem equals
    the assignment problem on max(value, 0) with disallowed pairs set to 0. The dense solver must match
    min(W, T) pairs; the forced extra pairs then score 0 and are dropped without changing the total. The sparse
    solver needs a full matching to exist, so each row gets a private "leave idle" column of weight 0 (LAPJVsp
    stores explicit weights only, so every weight is shifted by the same positive constant, which adds the same
    amount to every full matching and so does not move the optimum).
    """
    v = np.asarray(value, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"value must be a (W, T) matrix, got shape {v.shape}")
    if np.isnan(v).any() or np.isposinf(v).any():
        raise ValueError("value holds NaN or +inf; mark impossible pairs with allowed=False or -inf instead")
    score = v > 0
    if allowed is not None:
        ok = np.asarray(allowed)
        if ok.shape != v.shape:
            raise ValueError(f"allowed has shape {ok.shape}, value has {v.shape}; they must match")
        if ok.dtype != bool:
            raise ValueError(f"allowed must be a bool mask, got dtype {ok.dtype}")
        score &= ok
    if method not in ("auto", "dense", "sparse"):
        raise ValueError(f"method must be 'auto', 'dense' or 'sparse', got {method!r}")
    empty = np.zeros(0, dtype=np.intp)
    n_score = int(np.count_nonzero(score))
    if n_score == 0:
        return empty, empty.copy()
    if method == "auto":
        method = "sparse" if v.size >= SPARSE_MIN_PAIRS and n_score < SPARSE_DENSITY * v.size else "dense"
    if method == "dense":
        gain = np.where(score, v, 0.0)
        rows, cols = linear_sum_assignment(gain, maximize=True)
        keep = score[rows, cols]
        return rows[keep].astype(np.intp), cols[keep].astype(np.intp)
    return _one_to_one_sparse(v, score)


def _one_to_one_sparse(v, score):
    """LAPJVsp on the scoring pairs plus one private idle column per row (see ``assign_one_to_one``)."""
    transpose = v.shape[0] > v.shape[1]  # the smaller side gets the idle columns: fewer of them
    if transpose:
        v, score = v.T, score.T
    n_rows, n_cols = v.shape
    r, c = np.nonzero(score)
    w = v[r, c]
    # shift every weight by the same positive amount so that the idle columns (weight 0 before the shift) are
    # stored edges; the smallest real value keeps the shift from swamping the others' precision
    shift = float(w.min())
    rows = np.concatenate([r, np.arange(n_rows)])
    cols = np.concatenate([c, n_cols + np.arange(n_rows)])
    weights = np.concatenate([w, np.zeros(n_rows)]) + shift
    biadj = csr_matrix((weights, (rows, cols)), shape=(n_rows, n_cols + n_rows))
    rr, cc = min_weight_full_bipartite_matching(biadj, maximize=True)
    real = cc < n_cols
    rr, cc = rr[real].astype(np.intp), cc[real].astype(np.intp)
    if transpose:
        rr, cc = cc, rr
    order = np.argsort(rr, kind="stable")
    return rr[order], cc[order]


# ------------------------------------------------------------------------------------------------ salvos


def survive_probability(pk, shots) -> np.ndarray:
    """Probability each target survives every shot fired at it: prod_b (1 - pk_bt)^shots_bt, (T,).

    pk: (B, T) single-shot kill probabilities; shots: (B, T) shot counts. Independent shots (the salvo closed form
    of Przemieniecki, *Mathematical Methods in Defense Analyses*, 3rd ed., AIAA 2000: n shots of kill
    probability p leave (1 - p)^n).
    """
    pk = np.asarray(pk, dtype=float)
    shots = np.asarray(shots)
    if pk.shape != shots.shape or pk.ndim != 2:
        raise ValueError(f"pk {pk.shape} and shots {shots.shape} must be (B, T) matrices of the same shape")
    # the product of powers as the exp of a sum of logs (log1p keeps small pk exact); pk = 1 gives log 0 = -inf,
    # and 0 shots times -inf must read as "no shot", hence the where
    with np.errstate(divide="ignore"):
        log_q = np.log1p(-pk)
    log_s = np.multiply(shots, log_q, out=np.zeros(pk.shape), where=shots > 0)
    return np.exp(log_s.sum(axis=0))


def _check_salvo_inputs(target_value, pk, inventory, unit_cost, max_shots, cost_weight, ready):
    """Arrays of the salvo problem, validated; the capacity of each battery in this decision: min(inventory, ready)."""
    v = np.asarray(target_value, dtype=float)
    p = np.asarray(pk, dtype=float)
    if v.ndim != 1:
        raise ValueError(f"target_value must be a (T,) vector, got shape {v.shape}")
    if p.ndim != 2 or p.shape[1] != v.size:
        raise ValueError(f"pk must be (B, T) = (B, {v.size}) to match target_value, got shape {p.shape}")
    n_bat = p.shape[0]
    if not np.isfinite(v).all() or (v < 0).any():
        raise ValueError("target_value must be finite and >= 0 (value at risk of each target)")
    if not np.isfinite(p).all() or (p < 0).any() or (p > 1).any():
        raise ValueError("pk must lie in [0, 1] (single-shot kill probability; 0 outside the engagement window)")

    def rounds(x, name):
        x = np.asarray(x, dtype=float)
        if x.shape != (n_bat,):
            raise ValueError(f"{name} must be a (B,) = ({n_bat},) vector, one entry per battery, got shape {x.shape}")
        if not np.isfinite(x).all() or (x < 0).any():
            raise ValueError(f"{name} must be finite and >= 0 (rounds), got {x}")
        if (x != np.floor(x)).any():
            raise ValueError(f"{name} must hold whole rounds, got {x}; round down before calling")
        return x.astype(np.int64)

    inv = rounds(inventory, "inventory")
    cap = inv if ready is None else np.minimum(inv, rounds(ready, "ready"))
    c = np.asarray(unit_cost, dtype=float)
    if c.shape != (n_bat,):
        raise ValueError(f"unit_cost must be a (B,) = ({n_bat},) vector, $ per round, got shape {c.shape}")
    if not np.isfinite(c).all() or (c < 0).any():
        raise ValueError("unit_cost must be finite and >= 0 ($ per round)")
    if isinstance(max_shots, bool) or int(max_shots) != max_shots or max_shots < 1:
        raise ValueError(f"max_shots must be a whole number >= 1 (shots per battery and target), got {max_shots!r}")
    if not np.isfinite(cost_weight) or cost_weight < 0:
        raise ValueError(f"cost_weight must be finite and >= 0 (value units per $), got {cost_weight!r}")
    return v, p, cap, c, int(max_shots), float(cost_weight)


def _kill(p, n):
    """1 - (1 - p)^n, the salvo kill probability, accurate for small p (expm1 and log1p); p = 1 gives 1."""
    with np.errstate(divide="ignore"):
        return -np.expm1(n * np.log1p(-p))


def _plan(shots, v, p, c, status) -> Plan:
    shots = shots.astype(np.int64)
    ev = float(np.sum(v * (1.0 - survive_probability(p, shots)))) if shots.size else 0.0
    return Plan(shots=shots, expected_value=ev, cost=float(np.sum(shots * c[:, None])), status=status)


def assign_salvos(
    target_value,
    pk,
    inventory,
    unit_cost,
    max_shots=2,
    cost_weight=0.0,
    ready=None,
    one_battery_per_target=True,
    time_limit_s=5.0,
    *,
    exact: bool = False,
    method: str = "milp",
) -> Plan:
    """Optimal salvo plan of one decision: which battery fires how many rounds at which target.

    target_value: (T,) value at risk of each target (>= 0, e.g. people threatened).
    pk: (B, T) single-shot kill probability of battery b's interceptor against target t; 0 where t is outside b's
        engagement window (no variables are built for those pairs).
    inventory: (B,) whole rounds left; ready: (B,) launches battery b can make in this decision (fire rate times
        decision interval), default inventory. A battery fires at most min(inventory, ready).
    unit_cost: (B,) $ per round.
    max_shots: the salvo doctrine's bound per (battery, target): 1..max_shots rounds, or exactly max_shots when
        ``exact`` (a fixed shoot-n doctrine, e.g. shoot-shoot = 2).
    cost_weight: value units per $; the objective is expected value minus cost_weight * $ spent.
    one_battery_per_target: True (the exact MILP below). False lets several batteries share a target: the kill
        probabilities then multiply and the objective is not linear, so the plan comes from ``assign_greedy`` with
        status 'heuristic' (or 'optimal' where greedy is exact).
    time_limit_s: HiGHS wall-clock limit; on hitting it the best plan found is returned with status 'time_limit'.
    method: 'milp' (the exact program below), or 'auto': the exact program up to ``MILP_MAX_VARS`` binary variables,
        the maximum marginal return heuristic with one battery per target above (status 'heuristic'), which scales
        with the decision (a battle manager's decision over a thousand tracks).

    The 0-1 program: binary z[b, t, n] = "battery b fires exactly n rounds at t", over pairs with pk_bt > 0,
        maximise   sum z[b, t, n] (v_t (1 - (1 - p_bt)^n) - cost_weight * unit_cost_b * n)
        subject to sum_{b, n} z[b, t, n] <= 1              (one battery and one salvo size per target)
                   sum_{t, n} n z[b, t, n] <= min(inventory_b, ready_b)
    With one battery per target, target t survives with probability (1 - p_bt)^n of its one salvo, so this linear
    objective is the expected value exactly (a 0-1 program of the multiple-choice, multiple-knapsack kind).
    Variables whose net gain is <= 0 are left out: with only <= constraints, setting them to 0 keeps any
    solution feasible and never lowers the objective.
    """
    v, p, cap, c, n_max, cw = _check_salvo_inputs(target_value, pk, inventory, unit_cost, max_shots, cost_weight, ready)
    if not (np.isfinite(time_limit_s) and time_limit_s > 0):
        raise ValueError(f"time_limit_s must be > 0 seconds, got {time_limit_s!r}")
    if method not in ("milp", "auto"):
        raise ValueError(f"method must be 'milp' or 'auto', got {method!r}")
    if not one_battery_per_target:
        return assign_greedy(v, p, cap, c, max_shots=n_max, cost_weight=cw, one_battery_per_target=False, exact=exact)
    n_bat, n_tgt = p.shape
    shots = np.zeros((n_bat, n_tgt), dtype=np.int64)
    pb, pt = np.nonzero(p > 0)
    sizes = np.array([n_max]) if exact else np.arange(1, n_max + 1)
    # candidates (pair, n): every engageable pair with every salvo size, as flat arrays of length pairs x sizes
    b, t, n = np.repeat(pb, sizes.size), np.repeat(pt, sizes.size), np.tile(sizes, pb.size)
    gain = v[t] * _kill(p[b, t], n) - cw * c[b] * n
    keep = (gain > 0) & (n <= cap[b])
    b, t, n, gain = b[keep], t[keep], n[keep], gain[keep]
    if b.size == 0:
        return _plan(shots, v, p, c, "empty")
    if method == "auto" and b.size > MILP_MAX_VARS:
        return assign_greedy(v, p, cap, c, max_shots=n_max, cost_weight=cw, one_battery_per_target=True, exact=exact)
    k = b.size
    col = np.arange(k)
    # rows 0..T-1: one salvo per target; rows T..T+B-1: rounds per battery
    a = csr_matrix(
        (np.concatenate([np.ones(k), n]), (np.concatenate([t, n_tgt + b]), np.tile(col, 2))), shape=(n_tgt + n_bat, k)
    )
    upper = np.concatenate([np.ones(n_tgt), cap.astype(float)])
    res = milp(
        -gain,
        integrality=np.ones(k),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(a, -np.inf, upper),
        options={"time_limit": float(time_limit_s), "mip_rel_gap": MIP_REL_GAP},
    )
    if res.status == 0:
        status = "optimal"
    elif res.status == 1:  # time or iteration limit: keep the incumbent if HiGHS found one (z = 0 always is one)
        status = "time_limit"
    else:
        raise RuntimeError(f"HiGHS failed on the salvo MILP: {res.message}")
    if res.x is not None:
        z = res.x > 0.5
        np.add.at(shots, (b[z], t[z]), n[z])
    return _plan(shots, v, p, c, status)


def assign_greedy(
    target_value,
    pk,
    inventory,
    unit_cost,
    max_shots=2,
    cost_weight=0.0,
    ready=None,
    one_battery_per_target=False,
    *,
    exact: bool = False,
) -> Plan:
    """Maximum marginal return (MMR) plan: shot after shot, fire where the next round (or salvo) gains most.

    Same arguments as ``assign_salvos``; several batteries may engage one target (one_battery_per_target=False,
    the default here), their kill probabilities combining as 1 - prod_b (1 - p_bt)^x_bt.

    Each step adds one round from battery b at target t -- or, with ``exact``, a whole salvo of max_shots rounds to
    a pair not yet engaged -- choosing the (b, t) of largest net gain
        v_t S_t (1 - (1 - p_bt)^k) - cost_weight * unit_cost_b * k,   k = 1 (or max_shots),
    where S_t is t's current survival probability, among batteries with rounds left and pairs below max_shots. It
    stops when no step gains. This is the classic MMR heuristic (den Broeder, Ellison & Emerling 1959; Ahuja et al.
    2007). It is optimal when the weapons are identical (den Broeder et al. 1959): pk the same for every
    battery, max_shots not binding (>= every battery's rounds), no ``exact``, no one_battery_per_target. Then any
    round can go to any target, the value depends only on how many rounds each target receives, and target t's
    k-th round adds v_t p_t (1 - p_t)^(k-1), falling with k; the best plan of K rounds takes the K largest of these
    gains and the K cheapest rounds, and greedy's step -- largest gain left minus cheapest round left -- builds
    exactly those, stopping where the difference turns <= 0. The plan's status then reads 'optimal'; otherwise
    'heuristic': a feasible plan whose value is a lower bound of the optimum, with no guarantee how close.

    Cost: one vectorised gain update of the engaged target's column per step: O(rounds x B) plus an argmax over
    the (B, T) gain matrix per step.
    """
    v, p, cap, c, n_max, cw = _check_salvo_inputs(target_value, pk, inventory, unit_cost, max_shots, cost_weight, ready)
    n_bat, n_tgt = p.shape
    shots = np.zeros((n_bat, n_tgt), dtype=np.int64)
    if n_bat == 0 or n_tgt == 0 or not (p > 0).any():
        return _plan(shots, v, p, c, "empty")
    k = n_max if exact else 1
    left = cap.copy()
    survive = np.ones(n_tgt)
    kill_k = _kill(p, k)  # (B, T)
    step_cost = cw * c * k  # (B,)
    open_ = (p > 0) & (left[:, None] >= k)

    def gain_of(cols):
        g = v[cols] * survive[cols] * kill_k[:, cols] - step_cost[:, None]
        return np.where(open_[:, cols], g, -np.inf)

    gain = gain_of(np.arange(n_tgt))
    while True:
        flat = int(np.argmax(gain))
        bb, tt = divmod(flat, n_tgt)
        if not gain[bb, tt] > 0:
            break
        shots[bb, tt] += k
        left[bb] -= k
        survive[tt] *= (1.0 - p[bb, tt]) ** k
        if left[bb] < k:
            open_[bb] = False
            gain[bb] = -np.inf
        if exact or shots[bb, tt] >= n_max:
            open_[bb, tt] = False
        if one_battery_per_target:
            others = np.arange(n_bat) != bb
            open_[others, tt] = False
        gain[:, tt] = gain_of(np.array([tt]))[:, 0]
    fired = shots.any()
    identical = np.ptp(p, axis=0).max() == 0 and n_max >= cap.max() and not exact and not one_battery_per_target
    status = "empty" if not fired else ("optimal" if identical else "heuristic")
    return _plan(shots, v, p, c, status)
