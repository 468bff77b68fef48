"""Benchmark: weapon-target assignment -- goldendome's one-to-one assignment next to scipy's linear_sum_assignment on
the same matrix, and the salvo MILP (HiGHS) at a battle manager's size.

Case 1: a random size x size value matrix (uniform [0, 1), every pair allowed), solved by ``assign_one_to_one`` and
by ``scipy.optimize.linear_sum_assignment(maximize=True)`` directly, best of repeats each; both totals must agree
(target: ours within 2x of scipy's time -- the wrapper only validates and masks). Case 2: ``assign_salvos`` on 12
batteries x 200 targets, max_shots = 3, half the pairs in an engagement window, next to the greedy
maximum-marginal-return plan of the same problem (one battery per target for both, so their values compare).

Usage: python bench/bench_wta.py [--size 1000] [--repeats 3]
"""

import argparse

import numpy as np
from scipy.optimize import linear_sum_assignment

from _timing import best_of
from goldendome.c2.wta import assign_greedy, assign_one_to_one, assign_salvos


def salvo_case(n_bat: int, n_tgt: int, seed: int = 3):
    """A made-up battle (not from a study): pk 0.5-0.9 inside windows covering half the pairs, 10-40 rounds per
    battery, $1-4 M per round, values up to 10,000 people."""
    rng = np.random.default_rng(seed)
    pk = np.where(rng.random((n_bat, n_tgt)) < 0.5, rng.uniform(0.5, 0.9, (n_bat, n_tgt)), 0.0)
    return rng.uniform(0, 1e4, n_tgt), pk, rng.integers(10, 40, n_bat), rng.uniform(1e6, 4e6, n_bat)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1000, help="weapons = threats of the one-to-one case")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args(argv)

    value = np.random.default_rng(1).random((a.size, a.size))
    t_ours = best_of(a.repeats, lambda: assign_one_to_one(value))
    t_scipy = best_of(a.repeats, lambda: linear_sum_assignment(value, maximize=True))
    w, t = assign_one_to_one(value)
    r, c = linear_sum_assignment(value, maximize=True)
    same = bool(abs(value[w, t].sum() - value[r, c].sum()) <= 1e-9 * value[r, c].sum())

    n_bat, n_tgt, n_max = 12, 200, 3
    v, pk, inv, cost = salvo_case(n_bat, n_tgt)
    cw = 1e-3  # people per $: a $1 M round is worth firing above ~1,000 people x kill probability (a guess)
    t_milp = best_of(a.repeats, lambda: assign_salvos(v, pk, inv, cost, max_shots=n_max, cost_weight=cw))
    plan = assign_salvos(v, pk, inv, cost, max_shots=n_max, cost_weight=cw)
    t_greedy = best_of(a.repeats, lambda: assign_greedy(v, pk, inv, cost, n_max, cw, one_battery_per_target=True))
    greedy = assign_greedy(v, pk, inv, cost, n_max, cw, one_battery_per_target=True)
    net, net_g = plan.expected_value - cw * plan.cost, greedy.expected_value - cw * greedy.cost

    print(f"one-to-one assignment, {a.size:,} weapons x {a.size:,} threats (best of {a.repeats})")
    print(f"  {'solver':48s} {'seconds':>9s}")
    print(f"  {'goldendome assign_one_to_one':48s} {t_ours:9.4f}")
    print(f"  {'scipy linear_sum_assignment':48s} {t_scipy:9.4f}")
    print(f"  ratio ours / scipy: {t_ours / t_scipy:.2f}x (target <= 2x)")
    print(f"  same total value: {same}")
    print(f"salvo plan, {n_bat} batteries x {n_tgt} targets, max_shots {n_max}, cost_weight {cw:g} value/$")
    print(f"  {'solver':48s} {'seconds':>9s}  net value   rounds  status")
    print(f"  {'assign_salvos (MILP, HiGHS)':48s} {t_milp:9.4f}  {net:9,.0f}  {plan.shots.sum():7d}  {plan.status}")
    print(
        f"  {'assign_greedy (MMR, one battery per target)':48s} {t_greedy:9.4f}  {net_g:9,.0f}  "
        f"{greedy.shots.sum():7d}  {greedy.status}"
    )
    print(f"  MILP at least as good as greedy: {net >= net_g - 1e-9 * abs(net)}")


if __name__ == "__main__":
    main()
