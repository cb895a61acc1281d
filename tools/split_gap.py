#!/usr/bin/env python3
"""How far the engine's sourcing is from the exact optimum under the split penalty.

usage: python3 tools/split_gap.py SPLITS.jsonl [--time-limit SECONDS] [--threads N] [--quiet]

Reads the groups written by `allot bench splits --out SPLITS.jsonl` and solves each exactly as a mixed-integer
program with HiGHS (`pip install highspy`): every line takes exactly its units from buckets its class can use, no
bucket gives more than its capacity, and units times objectives plus the split penalty per piece beyond a line's first
is least. A group the solver does not finish within the time limit still gives a proven lower bound.

Prints per group the engine's objective before and after merging, the best solution found and the lower bound, then
the totals: the engine's excess over the lower bound (an upper bound on its distance from the optimum) and over the
best solution found (a lower bound on it), as a share of the sampled groups' cost; then the same by group size (lines
per group), and over the groups proved optimal alone, where the two agree and give the engine's exact distance. Costs leave out the substitution
penalty that the objective adds to keep lines on their own sku (an optimum never trades it, it is the same in every
answer).
"""
import json
import sys

try:
    import highspy
    import numpy as np
except ImportError:
    sys.exit("split_gap.py needs HiGHS: pip install highspy")


def solve(g, time_limit, threads=0):
    """The exact optimum (or best found) and lower bound of one group, and whether it was proved."""
    B, P, cap = len(g["capacity"]), g["penalty"], g["capacity"]
    obj = {int(k): v for k, v in g["objective"].items()}
    lines = g["lines"]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-7)
    if threads:
        h.setOptionValue("threads", int(threads))
    inf = highspy.kHighsInf
    xs, ys, cost, upper = {}, {}, [], []
    for l, (c, fill) in enumerate(lines):
        for b in range(B):
            if obj[c][b] is None or cap[b] <= 0:
                continue
            xs[l, b] = len(cost); cost.append(obj[c][b]); upper.append(min(fill, cap[b]))
            ys[l, b] = len(cost); cost.append(P); upper.append(1)
    n = len(cost)
    h.addVars(n, np.zeros(n), np.array(upper, float))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(cost, float))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    by_line = [[] for _ in lines]; by_bucket = [[] for _ in range(B)]
    for (l, b), x in xs.items():
        by_line[l].append(x); by_bucket[b].append(x)
    for l, (c, fill) in enumerate(lines):
        h.addRow(fill, fill, len(by_line[l]), np.array(by_line[l], np.int32), np.ones(len(by_line[l])))
    for b in range(B):
        if by_bucket[b]:
            h.addRow(-inf, cap[b], len(by_bucket[b]), np.array(by_bucket[b], np.int32), np.ones(len(by_bucket[b])))
    for (l, b), x in xs.items():
        h.addRow(-inf, 0, 2, np.array([x, ys[l, b]], np.int32), np.array([1.0, -float(upper[x])]))
    h.run()
    info = h.getInfo()
    # The first piece of every line is free: the program charges every piece.
    offset = P * len(lines)
    proved = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    best, bound = info.objective_function_value - offset, info.mip_dual_bound - offset
    if not proved:
        # Stopped early (large groups may not even finish the root): the relaxation, solved to the end, bounds too.
        h.clearSolver()
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kContinuous] * n))
        h.setOptionValue("time_limit", inf)
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            bound = max(bound, h.getInfo().objective_function_value - offset)
    return best, bound, proved


def value(g, sourcing, strip=False):
    """Objective of a sourcing (or, with strip, its cost: without substitution penalties)."""
    obj = {int(k): v for k, v in g["objective"].items()}
    sub = g.get("substitution_penalty", 1e6)
    total = 0.0
    for (c, _), pieces in zip(g["lines"], sourcing):
        for b, q in pieces:
            o = obj[c][b]
            total += q * (o - sub * round(o / sub) if strip else o)
        total += g["penalty"] * max(0, len(pieces) - 1)
    return total


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    path, time_limit, threads, quiet = argv[1], 10.0, 0, "--quiet" in argv
    for flag in ("--time-limit", "--threads"):
        if flag in argv:
            k = argv.index(flag) + 1
            try:
                number = float(argv[k]) if k < len(argv) else -1
            except ValueError:
                number = -1
            if number <= 0:
                sys.exit(f"{flag} needs a positive number")
            if flag == "--time-limit":
                time_limit = number
            else:
                threads = int(number)
    # Per size class (lines in the group) and over the groups proved optimal: [groups, cost, engine, best, bound].
    sizes = [(0, 30), (30, 60), (60, 120), (120, 400), (400, None)]
    by_size = {s: [0, 0.0, 0.0, 0.0, 0.0] for s in sizes}
    proved_rows = [0, 0.0, 0.0, 0.0, 0.0]
    t = {"cheapest": 0.0, "merged": 0.0, "best": 0.0, "bound": 0.0, "cost": 0.0}
    groups = proved_count = 0
    split = {"cheapest": 0, "merged": 0}
    for number, raw in enumerate(open(path), 1):
        try:
            g = json.loads(raw)
        except json.JSONDecodeError as e:
            sys.exit(f"{path}:{number}: not a JSON object ({e})")
        cheapest, merged = value(g, g["cheapest"]), value(g, g["merged"])
        best, bound, proved = solve(g, time_limit, threads)
        best = min(best, merged)  # the engine's answer is a solution too
        groups += 1; proved_count += proved
        for k, v in (("cheapest", cheapest), ("merged", merged), ("best", best), ("bound", bound)):
            t[k] += v
        group_cost = value(g, g["merged"], strip=True)
        t["cost"] += group_cost
        size = next(s for s in sizes if len(g["lines"]) >= s[0] and (s[1] is None or len(g["lines"]) < s[1]))
        for row in (by_size[size],) + ((proved_rows,) if proved else ()):
            for k, v in enumerate((1, group_cost, merged, best, bound)):
                row[k] += v
        split["cheapest"] += sum(len(p) > 1 for p in g["cheapest"])
        split["merged"] += sum(len(p) > 1 for p in g["merged"])
        if not quiet:
            print(f"{g['skus'][0]:>12} lines {len(g['lines']):5d}  cheapest {cheapest:14.2f}  merged {merged:14.2f}  "
                  f"best {best:14.2f}  bound {bound:14.2f}{'' if proved else '  (time limit)'}", flush=True)
    if not groups:
        sys.exit(f"{path}: no groups")
    cost = t["cost"]
    print(f"groups {groups}, proved optimal {proved_count}; split lines: cheapest {split['cheapest']}, merged {split['merged']}")
    print(f"sampled cost (engine, split penalties included, substitution penalties left out): {cost:.2f}")
    print(f"engine over lower bound:  {t['merged'] - t['bound']:12.2f}  ({100 * (t['merged'] - t['bound']) / cost:.3f}% of cost)")
    print(f"engine over best found:   {t['merged'] - t['best']:12.2f}  ({100 * (t['merged'] - t['best']) / cost:.3f}% of cost)")
    print(f"merging saved:            {t['cheapest'] - t['merged']:12.2f}  ({100 * (t['cheapest'] - t['merged']) / cost:.3f}% of cost)")
    print("by lines per group (engine over best found / over lower bound, as a share of their cost):")
    rows = [(f"{lo}-{hi - 1}" if hi else f"{lo}+", r) for (lo, hi), r in by_size.items()]
    rows.append(("proved", proved_rows))
    for label, (n, c, m, b, lb) in rows:
        if n:
            print(f"  {label:>8}: {n:4d} groups, cost {c:12.2f}, over best {100 * (m - b) / c:6.3f}%, over bound {100 * (m - lb) / c:6.3f}%")


if __name__ == "__main__":
    main(sys.argv)
