#!/usr/bin/env python3
"""Turns a sztp_bench JSON report into the tables of docs/performance.md.

Usage: sztp_bench ... --benchmark_out=run.json --benchmark_out_format=json
       python3 bench/ratios.py run.json

Uses the median of the repetitions and CPU time (the machine is shared: CPU
time is what the process itself spent, wall time also counts waiting for a
core). Every SZTP figure is divided by raw OpenSSL operations measured in the
same run (the project's rule: ratios against a side-by-side baseline).
"""

import json
import sys

# What one bundle costs at least, in raw public-key operations (counted with
# breakpoints on EVP_DigestSignFinal/EVP_DigestVerifyFinal, see the doc):
# create = 2 signatures (voucher, conveyed information); verify = 4
# verifications (voucher CMS signature, MASA certificate under the MASA CA,
# owner certificate under the pinned owner CA, conveyed-information CMS
# signature). Decrypting each of the 3 artifacts costs one private-key
# operation (ECDH for EC recipients, RSA decryption for RSA ones).
KEYS = {
    "p256": {"sign": "BM_RawEcdsaP256Sign", "verify": "BM_RawEcdsaP256Verify",
             "private": "BM_RawEcdhP256Derive", "label": "P-256"},
    "rsa2048": {"sign": "BM_RawRsa2048Sign", "verify": "BM_RawRsa2048Verify",
                "private": "BM_RawRsa2048Decrypt", "label": "RSA-2048"},
}

# benchmark -> (raw ops it needs at least, as {baseline role: count}, the
# raw op(s) it is also expressed in, as {baseline role: count})
BUNDLES = [
    ("BM_CreateBundle", {"sign": 2}, {"sign": 1}),
    ("BM_VerifyBundle", {"verify": 4}, {"verify": 1}),
    ("BM_CreateAndVerifyBundle", {"sign": 2, "verify": 4}, {"sign": 1, "verify": 1}),
    ("BM_VerifyEncryptedBundle", {"verify": 4, "private": 3}, {"verify": 1}),
]

# Table order: bundles, then their parts, then the baseline.
ORDER = ["BM_CreateBundle/", "BM_VerifyBundle/", "BM_CreateAndVerifyBundle/",
         "BM_CreateEncryptedBundle/", "BM_VerifyEncryptedBundle/", "BM_Part_", "BM_Raw"]


def order_key(name):
    for i, prefix in enumerate(ORDER):
        if name.startswith(prefix):
            return (i, name)
    return (len(ORDER), name)


def ops_text(ops):
    return " + ".join(f"{n} {r}" for r, n in ops.items())


def ops_time(times, roles, ops):
    return sum(times[roles[r]][0] * n for r, n in ops.items())


def medians(report):
    """name -> (median CPU time in µs, coefficient of variation or None)."""
    out = {}
    cvs = {}
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
    for run in report["benchmarks"]:
        name = run.get("run_name", run["name"])
        if run.get("error_occurred"):
            sys.exit(f"{name} failed: {run.get('error_message')}")
        if run.get("run_type") == "aggregate":
            if run["aggregate_name"] == "median":
                out[name] = run["cpu_time"] * scale[run["time_unit"]]
            elif run["aggregate_name"] == "cv":
                cvs[name] = run["cpu_time"]
        elif name not in out:
            # A run without repetitions: its single figure.
            out[name] = run["cpu_time"] * scale[run["time_unit"]]
    return {name: (t, cvs.get(name)) for name, t in out.items()}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        report = json.load(f)
    times = medians(report)

    print("| benchmark | median CPU time (µs) | items/s | CV |")
    print("| --- | ---: | ---: | ---: |")
    for name in sorted(times, key=order_key):
        t, cv = times[name]
        cv_text = f"{cv * 100:.1f} %" if cv is not None else "–"
        print(f"| `{name}` | {t:,.1f} | {1e6 / t:,.0f} | {cv_text} |")

    print()
    print("| bundle | key | time ÷ raw op | raw-op floor | time ÷ floor |")
    print("| --- | --- | ---: | --- | ---: |")
    for bench, floor_ops, unit_ops in BUNDLES:
        for key, roles in KEYS.items():
            name = f"{bench}/{key}"
            needed = {**floor_ops, **unit_ops}
            if name not in times or any(roles[r] not in times for r in needed):
                continue
            t = times[name][0]
            floor = ops_time(times, roles, floor_ops)
            unit = ops_time(times, roles, unit_ops)
            print(f"| `{bench}` | {roles['label']} | {t / unit:.1f} × ({ops_text(unit_ops)}) "
                  f"| {ops_text(floor_ops)} = {floor:,.0f} µs | {t / floor:.1f} |")


if __name__ == "__main__":
    main()
