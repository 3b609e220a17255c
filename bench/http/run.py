#!/usr/bin/env python3
"""bench/http: atoll's static-file serving against nginx, side by side, in one run.

    run.py --server PATH/bench_http_server [--atoll PATH/atoll] [--duration S]
           [--connections 50,10] [--warmup S] [--keep DIR]

One 1 KiB file, one certificate, the same machine and the same cores:
each server in turn runs pinned to core 0 (`taskset -c 0`; nginx with
worker_processes 1), and the clients run pinned to core 1:

  http  `wrk -t1 -cN -dS --latency http://127.0.0.1:P/1k.bin` (keep-alive),
        for each N of --connections
  https `openssl s_time -connect 127.0.0.1:P -new -time S -www /1k.bin`
        (full TLS 1.3 handshakes, one request each) and the same with
        -reuse (resumed handshakes, from session tickets)

Before measuring, both servers must answer the same 1 KiB body over HTTP and
HTTPS (curl), so the comparison is honest. Prints one table: the figure for
atoll, for nginx, and the ratio atoll / nginx; wrk's median and 99th
percentile latency; and each server's CPU (read from /proc: its share of
core 0, and requests or handshakes per second of its CPU time, with their
ratio), the steadier figure when other work shares the cores. When a tool is missing it
prints "http: skipped: reason" and exits 0 (run_benchmarks goes on).
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

FILE_NAME = "1k.bin"
FILE_SIZE = 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def make_certificate(atoll, tls_dir):
    """server.crt and server.key for localhost / 127.0.0.1: `atoll cert` when
    given, else openssl (an ECDSA P-256 self-signed certificate)."""
    crt = os.path.join(tls_dir, "server.crt")
    key = os.path.join(tls_dir, "server.key")
    if atoll:
        out = os.path.join(tls_dir, "server")
        r = subprocess.run([atoll, "cert", "self-signed", "--out", out, "--dns", "localhost",
                            "--ip", "127.0.0.1"], capture_output=True, text=True)
        if r.returncode == 0 and os.path.exists(crt) and os.path.exists(key):
            return "atoll cert self-signed"
        print(f"atoll cert failed ({r.stderr.strip()}); using openssl", file=sys.stderr)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt, "-days",
                    "30", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return "openssl req -x509 (P-256)"


NGINX_CONF = """worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  default_type application/octet-stream;
  client_body_temp_path {prefix}/client_body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  server {{
    listen 127.0.0.1:{http_port} backlog=1024;
    listen 127.0.0.1:{https_port} ssl backlog=1024;
    ssl_certificate {tls}/server.crt;
    ssl_certificate_key {tls}/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_tickets on;
    ssl_session_cache shared:SSL:10m;
    root {root};
  }}
}}
"""


class Server:
    """A server process pinned to core 0, in its own process group."""

    def __init__(self, name, argv, http_port, https_port):
        self.name = name
        self.http_port = http_port
        self.https_port = https_port
        self.proc = subprocess.Popen(["taskset", "-c", "0"] + argv, stdout=subprocess.DEVNULL,
                                     start_new_session=True)
        try:
            wait_for_port(http_port, self.proc)
            wait_for_port(https_port, self.proc)
        except RuntimeError:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def group_cpu_seconds(pgid):
    """User + system CPU seconds of every live process in group `pgid` (the
    server; nginx's master and worker)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid:  # fields[0] is the state, [2] the group
            total += int(fields[11]) + int(fields[12])
    return total / tick


class cpu_meter:
    """The server's CPU seconds and the wall seconds over a with block."""

    def __init__(self, server):
        self.server = server

    def __enter__(self):
        self.cpu = group_cpu_seconds(self.server.proc.pid)
        self.wall = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.cpu = group_cpu_seconds(self.server.proc.pid) - self.cpu
        self.wall = time.monotonic() - self.wall
        return False


def check_body(server, expected):
    """Both protocols answer exactly the file (curl)."""
    for url, extra in ((f"http://127.0.0.1:{server.http_port}/{FILE_NAME}", []),
                       (f"https://127.0.0.1:{server.https_port}/{FILE_NAME}", ["-k"])):
        r = subprocess.run(["curl", "-sS", "--fail", "-o", "-"] + extra + [url],
                           capture_output=True, timeout=10)
        if r.returncode != 0:
            raise RuntimeError(f"{server.name}: curl {url}: {r.stderr.decode().strip()}")
        if r.stdout != expected:
            raise RuntimeError(f"{server.name}: {url} answered {len(r.stdout)} bytes, "
                               f"not the {len(expected)}-byte file")


def tls_parameters(server):
    """What a TLS handshake with the server negotiates (s_client -brief)."""
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{server.https_port}",
                        "-brief"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=10)
    found = {}
    for line in (r.stdout + r.stderr).splitlines():
        for name in ("Protocol version", "Ciphersuite", "Signature type", "Server Temp Key"):
            if line.startswith(name + ":"):
                found[name] = line.split(":", 1)[1].strip()
    return ", ".join(found.get(n, "?") for n in ("Protocol version", "Ciphersuite",
                                                  "Signature type"))


def parse_latency(text, which):
    m = re.search(rf"^\s*{which}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m:
        return None
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
    return float(m.group(1)) * scale


def run_wrk(server, connections, duration, warmup):
    url = f"http://127.0.0.1:{server.http_port}/{FILE_NAME}"
    base = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}"]
    if warmup > 0:
        subprocess.run(base + [f"-d{warmup}s", url], capture_output=True, timeout=warmup + 30)
    with cpu_meter(server) as cpu:
        r = subprocess.run(base + [f"-d{duration}s", "--latency", url], capture_output=True,
                           text=True, timeout=duration + 60)
    out = r.stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"{server.name}: wrk failed: {out}{r.stderr}")
    notes = []
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if bad:
        notes.append(f"{bad.group(1)} non-2xx")
    errors = re.search(r"Socket errors:(.*)", out)
    if errors:
        notes.append("socket errors:" + errors.group(1).strip())
    return {"rate": float(m.group(1)), "p50": parse_latency(out, "50"),
            "p99": parse_latency(out, "99"), "notes": notes, "cpu": cpu.cpu / cpu.wall,
            "per_cpu": float(m.group(1)) * cpu.wall / cpu.cpu if cpu.cpu > 0 else None}


def run_s_time(server, mode, duration):
    """Handshakes per second of wall time: s_time's count over the time the
    run took (s_time itself reports whole real seconds only)."""
    argv = ["taskset", "-c", "1", "openssl", "s_time", "-connect",
            f"127.0.0.1:{server.https_port}", f"-{mode}", "-time", str(duration), "-www",
            f"/{FILE_NAME}"]
    with cpu_meter(server) as cpu:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    wall = cpu.wall
    m = re.search(r"(\d+) connections in [\d.]+s;", r.stdout)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"{server.name}: s_time -{mode} failed: {r.stdout}{r.stderr}")
    notes = []
    if mode == "reuse":
        # Every connection after the first must have resumed: s_time prints
        # one character per connection, 'r' for a resumed one, '*' otherwise.
        marks = "".join(line for line in r.stdout.splitlines() if re.fullmatch(r"[r*]+", line))
        full = marks.count("*")
        if full > 1:
            notes.append(f"{full} not resumed")
    count = int(m.group(1))
    return {"rate": count / wall, "p50": None, "p99": None, "notes": notes,
            "cpu": cpu.cpu / wall, "per_cpu": count / cpu.cpu if cpu.cpu > 0 else None}


def measure(server, args):
    figures = {}
    for n in args.connections:
        figures[f"http keep-alive, wrk -c{n} (req/s)"] = run_wrk(server, n, args.duration,
                                                                 args.warmup)
    figures["https full handshakes, s_time -new (/s)"] = run_s_time(server, "new", args.duration)
    figures["https resumed handshakes, s_time -reuse (/s)"] = run_s_time(server, "reuse",
                                                                        args.duration)
    return figures


def fmt_cpu(f):
    text = f"{100 * f['cpu']:.0f}%"
    if f.get("per_cpu"):
        text += f" {f['per_cpu']:.0f}/cpu-s"
    return text


def fmt_latency(f):
    if f["p50"] is None:
        return ""
    return f"{f['p50']:.2f}/{f['p99']:.2f}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", required=True, help="the bench_http_server binary")
    p.add_argument("--atoll", help="the atoll tool (for `atoll cert`); else openssl makes it")
    p.add_argument("--duration", type=int, default=10, help="seconds per figure (10)")
    p.add_argument("--warmup", type=int, default=1, help="seconds of wrk before each figure (1)")
    p.add_argument("--connections", default="50,10", help="wrk connections, a list (50,10)")
    p.add_argument("--keep", help="make the files in this folder and keep them")
    p.add_argument("--nginx", default="nginx")
    args, _ = p.parse_known_args()  # run_benchmarks' --benchmark_* flags are ignored
    sys.stdout.reconfigure(line_buffering=True)
    args.connections = [int(c) for c in args.connections.split(",") if c]

    for tool in (args.nginx, "wrk", "openssl", "curl", "taskset"):
        if shutil.which(tool) is None:
            print(f"http: skipped: {tool} not found")
            return 0
    if (os.cpu_count() or 1) < 2:
        print("http: skipped: needs two cores (server on one, clients on the other)")
        return 0

    work = args.keep or tempfile.mkdtemp(prefix="atoll-bench-http-")
    os.makedirs(work, exist_ok=True)
    try:
        return run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work):
    root = os.path.join(work, "htdocs")
    tls = os.path.join(work, "tls")
    prefix = os.path.join(work, "nginx")
    for d in (root, tls, prefix):
        os.makedirs(d, exist_ok=True)
    body = bytes((i * 37 + 11) % 251 for i in range(FILE_SIZE))  # not compressible text
    with open(os.path.join(root, FILE_NAME), "wb") as f:
        f.write(body)
    for name in ("server.crt", "server.key"):
        if os.path.exists(os.path.join(tls, name)):
            os.remove(os.path.join(tls, name))
    cert_by = make_certificate(args.atoll, tls)
    # nginx's workers may drop root: let them read the site and the key.
    for d in (work, root, tls, prefix):
        os.chmod(d, 0o755)
    for f in (os.path.join(root, FILE_NAME), os.path.join(tls, "server.crt"),
              os.path.join(tls, "server.key")):
        os.chmod(f, 0o644)

    http_port, https_port = free_port(), free_port()
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(prefix=prefix, http_port=http_port, https_port=https_port,
                                  tls=tls, root=root))

    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    servers = [
        ("atoll", [args.server, "--root", root, "--tls-dir", tls, "--http-port",
                   str(http_port), "--https-port", str(https_port)]),
        ("atoll-memory", [args.server, "--root", root, "--tls-dir", tls, "--http-port",
                          str(http_port), "--https-port", str(https_port), "--preload"]),
        ("nginx", [args.nginx, "-c", conf, "-p", prefix, "-e", os.path.join(prefix, "error.log"),
                   "-g", "daemon off;"]),
    ]
    results = {}
    negotiated = {}
    for name, argv in servers:
        try:
            server = Server(name, argv, http_port, https_port)
        except RuntimeError as e:
            print(f"http: failed: {name}: {e}")
            return 1
        try:
            check_body(server, body)
            negotiated[name] = tls_parameters(server)
            results[name] = measure(server, args)
        except RuntimeError as e:
            print(f"http: failed: {e}")
            return 1
        finally:
            server.stop()
        # Let the sockets of the last run leave TIME-WAIT's accept path.
        time.sleep(1)
    load_after = os.getloadavg()

    print(f"bench/http: {started}, {args.duration} s per figure, 1 KiB file, "
          f"certificate by {cert_by}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"(1 min); server on core 0, clients on core 1")
    for name, params in negotiated.items():
        print(f"{name} TLS: {params}")
    print("server CPU: the server's share of its core during the figure, and the requests or "
          "handshakes per second of server CPU time (steadier on a shared machine)")
    for variant, what in (("atoll", "the folder read at each request (dir_kv)"),
                          ("atoll-memory", "the folder loaded once (crunched_kv, as the "
                                           "application compiles its site in)")):
        print(f"\n{variant}: {what}")
        print_table(results, variant)
    return 0


def print_table(results, variant):
    print(f"{'figure':<46} {'atoll':>10} {'nginx':>10} {'ratio':>7}   "
          f"{'p50/p99 ms atoll':>17} {'nginx':>12}   {'server CPU atoll':>18} {'nginx':>18} "
          f"{'ratio':>7}")
    for key in results[variant]:
        a, n = results[variant][key], results["nginx"][key]
        ratio = a["rate"] / n["rate"] if n["rate"] > 0 else float("nan")
        cpu_ratio = (a["per_cpu"] / n["per_cpu"] if a.get("per_cpu") and n.get("per_cpu")
                     else float("nan"))
        notes = "; ".join([f"atoll: {x}" for x in a["notes"]] + [f"nginx: {x}" for x in n["notes"]])
        print(f"{key:<46} {a['rate']:>10.0f} {n['rate']:>10.0f} {ratio:>6.2f}x   "
              f"{fmt_latency(a):>17} {fmt_latency(n):>12}   {fmt_cpu(a):>18} {fmt_cpu(n):>18} "
              f"{cpu_ratio:>6.2f}x" +
              (f"   {notes}" if notes else ""))


if __name__ == "__main__":
    sys.exit(main())
