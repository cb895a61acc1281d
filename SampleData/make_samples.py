#!/usr/bin/env python3
"""Writes Allot's sample scenarios into SampleData/, then validates them.

Per scenario: the snapshot (contract section 1 CSV layout, policy.toml, users.csv), `events/` (JSON Lines
feeds, contract section 2) and `what-if/` (alternative policies for `allot plan --what-if`).

Deterministic: every scenario has its own fixed seed, so re-running gives byte-identical files.
Usage: python3 SampleData/make_samples.py [--check-only]
After regenerating, also regenerate the derived history: swift run allot insight generate-history SampleData/<scenario>
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from samplegen import common, events, promo, medical  # noqa: E402

SCENARIOS = {"promo-three-warehouses": promo, "medical-supplies": medical}


def summary(name, tables):
    lines = tables["order_lines.csv"]
    print(f"{name}: {len(tables['orders.csv'])} orders, {len(lines)} lines, {len(tables['items.csv'])} skus, "
          f"{len(tables['customers.csv'])} customers, {len(tables['inventory.csv'])} inventory rows, "
          f"{len(tables['receipts.csv'])} receipts")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    check_only = "--check-only" in sys.argv
    failed = False
    for name, module in SCENARIOS.items():
        out = os.path.join(here, name)
        if not check_only:
            tables, _ = module.build()
            common.write_scenario(out, tables, module.POLICY)
            events.write_feeds(out, name, tables)
            common.write_what_ifs(out, module.WHAT_IF)
            summary(name, tables)
        problems = common.validate(out) + events.validate(out)
        for p in problems:
            print(f"{name}/{p}", file=sys.stderr)
        failed = failed or bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
