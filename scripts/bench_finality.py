#!/usr/bin/env python3
"""Measure Gosig finality with n billing peers on loopback.

Starts `n` validators of a chain spec derived from the `local` preset (billing peers //Alice,
//Bob, ... and, past six, //Peer7, //Peer8, ...), optionally with another round length, lets them
run for a fixed number of rounds after a warm-up, and prints:

- blocks finalized per minute (at node 0),
- rounds without any proposal seen (node 0's counter) against the designed ~1 %,
- time to finality p50 / p99: from a block's import to its finalization, over all nodes, from
  the `spacebook_gosig_time_to_finality_seconds` histograms (linear interpolation in buckets).

Used by scripts/bench-finality.sh; results go to docs/benchmarks.md.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

NAMES = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rpc(port, method, params=None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}", body.encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)["result"]


def finalized_number(port):
    head = rpc(port, "chain_getFinalizedHead")
    return int(rpc(port, "chain_getHeader", [head])["number"], 16)


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        return r.read().decode()


def scalar(text, name):
    m = re.search(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+-]+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def histogram(text, name):
    """Cumulative bucket counts {le: count}."""
    buckets = {}
    for le, count in re.findall(rf'^{name}_bucket{{[^}}]*le="([^"]+)"[^}}]*}} ([0-9.e+-]+)$', text, re.M):
        buckets[float("inf") if le == "+Inf" else float(le)] = float(count)
    return buckets


def quantile(buckets, q):
    """Linear interpolation inside the cumulative histogram `buckets`."""
    edges = sorted(buckets)
    total = buckets[edges[-1]] if edges else 0
    if total == 0:
        return float("nan")
    target = q * total
    prev_edge, prev_count = 0.0, 0.0
    for edge in edges:
        count = buckets[edge]
        if count >= target:
            if edge == float("inf"):
                return prev_edge
            frac = (target - prev_count) / (count - prev_count) if count > prev_count else 0
            return prev_edge + frac * (edge - prev_edge)
        prev_edge, prev_count = edge, count
    return prev_edge


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--nodes", type=int, default=4)
    ap.add_argument("--round-ms", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=60)
    args = ap.parse_args()
    n, node = args.nodes, args.binary
    names = [NAMES[i] if i < len(NAMES) else f"Peer{i + 1}" for i in range(n)]
    work = tempfile.mkdtemp(prefix="spacebook-bench-finality-")
    procs = []
    try:
        spec = json.loads(subprocess.check_output([node, "export-chain-spec", "--chain", "local"]))
        patch = spec["genesis"]["runtimeGenesis"]["patch"]
        ids = []
        for name in names:
            out = subprocess.check_output(
                [node, "key", "inspect", "--network", "substrate", "--scheme", "sr25519", "--output-type", "json", f"//{name}"]
            )
            ids.append(json.loads(out)["ss58Address"])
        patch["gosig"]["authorities"] = ids
        if args.round_ms != 3000:
            patch["gosig"]["roundDurationMs"] = args.round_ms
        spec_path = os.path.join(work, "spec.json")
        with open(spec_path, "w") as f:
            json.dump(spec, f)

        ports = [(free_port(), free_port(), free_port()) for _ in range(n)]
        bootnode = None
        for i, name in enumerate(names):
            base = os.path.join(work, name)
            subprocess.check_call(
                [node, "key", "insert", "--base-path", base, "--chain", spec_path,
                 "--key-type", "gosg", "--scheme", "sr25519", "--suri", f"//{name}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            p2p, rpc_port, prom = ports[i]
            cmd = [node, "--chain", spec_path, "--validator", "--base-path", base,
                   "--node-key", f"{i + 1:064x}", "--listen-addr", f"/ip4/127.0.0.1/tcp/{p2p}",
                   "--rpc-port", str(rpc_port), "--prometheus-port", str(prom),
                   "--no-telemetry", "--no-mdns", "--name", name]
            if bootnode:
                cmd += ["--bootnodes", bootnode]
            log = open(os.path.join(work, f"{name}.log"), "w")
            procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log))
            if i == 0:
                deadline = time.time() + 120
                while bootnode is None and time.time() < deadline:
                    time.sleep(0.5)
                    text = open(os.path.join(work, f"{name}.log")).read()
                    m = re.search(r"Local node identity is: (\w+)", text)
                    if m:
                        bootnode = f"/ip4/127.0.0.1/tcp/{p2p}/p2p/{m.group(1)}"
                if bootnode is None:
                    sys.exit("node 0 did not print its identity")

        # Warm-up: every node has finalized a few blocks.
        deadline = time.time() + 240
        while True:
            try:
                if min(finalized_number(r) for _, r, _ in ports) >= 3:
                    break
            except Exception:
                pass
            if time.time() > deadline:
                sys.exit("the network did not finalize during warm-up; logs in " + work)
            time.sleep(1)

        def snapshot():
            texts = [metrics(m) for _, _, m in ports]
            hist = {}
            for t in texts:
                for le, c in histogram(t, "spacebook_gosig_time_to_finality_seconds").items():
                    hist[le] = hist.get(le, 0) + c
            return (time.time(), finalized_number(ports[0][1]),
                    scalar(texts[0], "spacebook_gosig_rounds_without_proposal_total"),
                    scalar(texts[0], "spacebook_gosig_round"), hist)

        t0, f0, empty0, round0, h0 = snapshot()
        time.sleep(args.rounds * args.round_ms / 1000)
        t1, f1, empty1, round1, h1 = snapshot()
        hist = {le: h1.get(le, 0) - h0.get(le, 0) for le in h1}
        rounds = max(round1 - round0, 1)
        minutes = (t1 - t0) / 60
        result = {
            "billing_peers": n,
            "round_ms": args.round_ms,
            "rounds": int(rounds),
            "blocks_finalized": f1 - f0,
            "blocks_per_minute": round((f1 - f0) / minutes, 1),
            "ideal_blocks_per_minute": round(60000 / args.round_ms, 1),
            "rounds_without_proposal": int(empty1 - empty0),
            "rounds_without_proposal_pct": round(100 * (empty1 - empty0) / rounds, 1),
            "finality_samples": int(hist.get(float("inf"), 0)),
            "time_to_finality_p50_s": round(quantile(hist, 0.50), 3),
            "time_to_finality_p99_s": round(quantile(hist, 0.99), 3),
        }
        print(json.dumps(result))
    finally:
        for p in procs:
            p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        if os.environ.get("KEEP_BENCH_DIR"):
            print("logs kept in", work, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
