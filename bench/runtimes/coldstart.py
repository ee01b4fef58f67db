#!/usr/bin/env python3
"""Cold start to the first answer, beside the component's size.

    python3 bench/runtimes/coldstart.py [--runs N] [--no-build]

Builds (unless --no-build) the two shipped flavours as bench.py does: the Spin
one (`spin build`: target/dist/gorgias_connector.wasm) and the `wasmtime serve`
one (target/dist/gorgias_connector-wasmtime-serve.wasm). Then, for each
runtime, it starts the connector --runs times with the compile cache on (after
one uncounted run that fills the cache) and --runs times with it off, and
measures the wall time from starting the runtime's process to the first
complete answer of `GET /operations` (polled every 2 ms on 127.0.0.1; the
answer needs no Gorgias call):

- Spin: `spin up -f spin.toml --listen 127.0.0.1:PORT` with SPIN_VARIABLE_*
  credentials; cache off is `--disable-cache`.
- wasmtime: `wasmtime serve -Scli -Sconfig --addr 127.0.0.1:PORT
  -Sconfig-var=… -C cache=y|n` (wasmtime 49's compile cache, in its default
  location).

Bounded: --runs (default 5, at most 50) per cell, each start waits at most
120 s. Loopback only: the Gorgias base URL is a local upstream (bench.py's
upstream.py). Prints a Markdown table for BENCHMARKS.md and writes
target/bench-coldstart.json.
"""
import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the runtimes' helpers: find, build, start, stop)


def cell(start, runs):
    """Milliseconds to the first answer for `runs` starts by `start(port)`."""
    times = []
    for _ in range(runs):
        s = start(bench.free_port())
        try:
            times.append(s.wait_first_answer("/operations") * 1000)
        finally:
            s.stop()
    return {"median": round(statistics.median(times), 1), "min": round(min(times), 1),
            "max": round(max(times), 1), "runs": [round(t, 1) for t in times]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    runs = max(1, min(args.runs, 50))
    spin, wasmtime = bench.find_spin(), bench.find_wasmtime()
    if not args.no_build:
        bench.run([spin, "build", "-f", os.path.join(bench.ROOT, "spin.toml")], env=bench.clean_env())
        ws = os.path.join(bench.TARGET, "component-wasmtime-serve")
        bench.run(["cargo", "build", "--locked", "--target", "wasm32-wasip2", "--release", "--lib",
                   "--features", "wasmtime-serve", "--target-dir", ws], env=bench.clean_env())
        bench.run(["tools/optimize.sh", os.path.join(ws, "wasm32-wasip2", "release", "gorgias_connector.wasm"),
                   bench.CONNECTOR_WASMTIME], env=bench.clean_env())
    versions = {
        "spin": subprocess.run([spin, "--version"], capture_output=True, text=True).stdout.strip(),
        "wasmtime": subprocess.run([wasmtime, "--version"], capture_output=True, text=True).stdout.strip(),
    }
    workdir = tempfile.mkdtemp(prefix="bench-coldstart-")
    up_port = bench.free_port()
    upstream_proc = subprocess.Popen([sys.executable, os.path.join(bench.ROOT, "bench", "runtimes", "upstream.py"),
                                      str(up_port), os.path.join(bench.ROOT, "tests", "fixtures")],
                                     stdout=subprocess.PIPE, start_new_session=True)
    upstream_proc.stdout.readline()
    upstream = f"http://127.0.0.1:{up_port}"
    hosts = {
        "spin up": (bench.CONNECTOR_SPIN,
                    lambda port, cache: bench.spin_server(spin, "connector", upstream, port, cache, workdir)),
        "wasmtime serve": (bench.CONNECTOR_WASMTIME,
                           lambda port, cache: bench.wasmtime_server(wasmtime, "connector", upstream, port, cache,
                                                                     workdir)),
    }
    results = {"runs": runs, "versions": versions, "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
               "hosts": {}}
    try:
        for name, (wasm, start) in hosts.items():
            h = results["hosts"][name] = {"wasm": os.path.relpath(wasm, bench.ROOT), "bytes": os.path.getsize(wasm)}
            cell(lambda port: start(port, True), 1)  # fills the compile cache
            h["cache_on_ms"] = cell(lambda port: start(port, True), runs)
            h["cache_off_ms"] = cell(lambda port: start(port, False), runs)
    finally:
        os.killpg(upstream_proc.pid, signal.SIGTERM)
        upstream_proc.wait()
    with open(os.path.join(bench.TARGET, "bench-coldstart.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(f"\nCold start to the first answer (GET /operations), median (min–max) of {runs} runs; "
          f"{results['machine']}; {versions['spin']}; {versions['wasmtime']}\n")
    print("| runtime | component (bytes) | compile cache on (ms) | compile cache off (ms) |")
    print("|---|---|---|---|")
    for name, h in results["hosts"].items():
        on, off = h["cache_on_ms"], h["cache_off_ms"]
        print(f"| {name} | {h['bytes']:,} (`{h['wasm']}`) | {on['median']} ({on['min']}–{on['max']}) "
              f"| {off['median']} ({off['min']}–{off['max']}) |")


if __name__ == "__main__":
    main()
