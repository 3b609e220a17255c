#!/usr/bin/env python3
"""examples/hello through the real atoll tool: configure, build, run.

In a copy of examples/hello under --work: four greetings about one second
apart (line arrival times measured), key overrides, --help, bad keys, --logs,
describe, run with an explicit DIR, clean.
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import ENV, Checks, copy_app, output, run  # noqa: E402


def timed_run(cmd, cwd):
    """Runs cmd; returns (exit status, lines of stdout, arrival time of each, stderr)."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    lines, stamps = [], []
    for line in p.stdout:
        stamps.append(time.monotonic() - start)
        lines.append(line)
    err = p.stderr.read()
    return p.wait(timeout=60), lines, stamps, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atoll", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    c = Checks()
    os.makedirs(a.work, exist_ok=True)
    app = copy_app(a.example, os.path.join(a.work, "hello"))
    atoll = a.atoll
    state = os.path.join(a.work, ".atoll-current")
    if os.path.exists(state):
        os.remove(state)

    r = run([atoll, "configure", "-t", "unix", "hello"], a.work)
    c.check(r.returncode == 0 and "configured hello for unix" in r.stdout, "configure -t unix hello", output(r))
    c.check(os.path.exists(state), "configure records the application in ./.atoll-current")
    gen = os.path.join(app, "_atoll", "unix")
    c.check(all(os.path.exists(os.path.join(gen, f)) for f in ("main.cpp", "CMakeLists.txt")),
            "configure writes hello/_atoll/unix/main.cpp and CMakeLists.txt")
    r = run([atoll, "build"], a.work)
    if not c.check(r.returncode == 0, "build", output(r)):
        return c.done()

    status, lines, stamps, err = timed_run([atoll, "run"], a.work)
    c.check(status == 0, "run exits 0", err)
    c.check(lines == ["hello\n"] * 4, "run prints exactly four 'hello' lines", repr(lines))
    gaps = [b - a_ for a_, b in zip(stamps, stamps[1:])]
    c.check(len(gaps) == 3 and all(0.9 <= g <= 1.5 for g in gaps),
            "the greetings are about one second apart: %s" % ", ".join("%.3f s" % g for g in gaps))

    status, lines, stamps, err = timed_run([atoll, "run", "--", "--count=2", "--interval=100ms"], a.work)
    c.check(status == 0 and lines == ["hello\n"] * 2, "run -- --count=2 --interval=100ms: two lines", repr(lines) + err)
    c.check(len(stamps) == 2 and 0.09 <= stamps[1] - stamps[0] <= 0.6,
            "... 100 ms apart: %s" % ["%.3f" % s for s in stamps])
    r = run([atoll, "run", "--", "--count", "3", "--interval=0", "--message=hi there"], a.work)
    c.check(r.returncode == 0 and r.stdout == "hi there\n" * 3, "--count 3 --message='hi there'", output(r))

    r = run([atoll, "run", "--", "--help"], a.work)
    c.check(r.returncode == 0 and all(k in r.stdout for k in ("--count", "--interval", "--message", "--logs",
                                                               "--sandbox", "how many greetings")),
            "--help lists the keys, with their documentation", output(r))
    r = run([atoll, "run", "--", "--count=four"], a.work)
    c.check(r.returncode == 2 and r.stdout == "" and "hello: key 'count': 'four'" in r.stderr,
            "a bad value is an error naming the key", output(r))
    r = run([atoll, "run", "--", "--cuont=3"], a.work)
    c.check(r.returncode == 2 and "--cuont" in r.stderr and "--count" in r.stderr,
            "an unknown key is named, with the nearest one", output(r))
    r = run([atoll, "run", "--", "--interval=-1s"], a.work)
    c.check(r.returncode == 2 and "key 'interval'" in r.stderr, "a negative duration is refused", output(r))
    r = run([atoll, "run", "--", "--count=1", "--logs=*:warn,hello:debug"], a.work)
    c.check(r.returncode == 0 and r.stdout == "hello\n" and r.stderr == "[debug] hello: greeting 1 of 1\n",
            "--logs sets the application's log source; log lines go to stderr", output(r))
    r = run([atoll, "run", "--", "--logs=nosuch:debug"], a.work)
    c.check(r.returncode == 2 and "key 'logs'" in r.stderr and "nosuch" in r.stderr,
            "--logs names an unknown source", output(r))
    r = run([atoll, "run", "hello", "--", "--count=1", "--no-sandbox"], a.work)
    c.check(r.returncode == 0 and r.stdout == "hello\n", "run DIR -- KEYS, and --no-sandbox", output(r))

    r = run([atoll, "describe"], a.work)
    c.check(r.returncode == 0 and r.stdout.startswith("hello: hello::unikernel (hello.hpp) on unix\n"),
            "describe names the application and the target", output(r))
    for part in ("start   app.start(keys, console, sleep) -> atl::task<int>",
                 "console  console  atl::unix_target::console",
                 "sleep    sleep    atl::engine_sleep",
                 "--count=uint", "--interval=duration", "1s", "--message=string", "hello"):
        c.check(part in r.stdout, "describe shows '%s'" % part, r.stdout)

    # Nothing changed: a second build does nothing and succeeds.
    r = run([atoll, "build"], a.work)
    c.check(r.returncode == 0 and "no work to do" in r.stdout, "a second build has nothing to do", output(r))
    # A changed manifest is configured again by build.
    with open(os.path.join(app, "atoll.manifest"), "a") as f:
        f.write("key      shout    bool      false  \"an extra key\"\n")
    r = run([atoll, "build"], a.work)
    c.check(r.returncode == 0 and "configuring again" in r.stdout, "build configures again after the manifest changes",
            output(r))
    r = run([atoll, "run", "--", "--help"], a.work)
    c.check("--shout" in r.stdout, "... and the new key is there", output(r))

    r = run([atoll, "clean"], a.work)
    c.check(r.returncode == 0 and not os.path.exists(os.path.join(app, "_atoll")) and not os.path.exists(state),
            "clean removes hello/_atoll and ./.atoll-current", output(r))
    r = run([atoll, "build"], a.work)
    c.check(r.returncode == 2 and "no application is configured here" in r.stderr, "build after clean", output(r))
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
