#!/usr/bin/env python3
"""A test application over every kind of device (tests/tools/apps/files).

Configured, built and run with the real atoll tool: the crunched folder and
the folder read at run time are listed with sizes and SHA-256 digests (checked
against hashlib); the block image, the memory KV store, the clocks and the
random device work behind the sandbox. A changed or added file in the
crunched folder is crunched again by `atoll build`; --live-dir serves
another folder; a missing one is an error naming the device.
"""
import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Checks, copy_app, output, run  # noqa: E402


def listing(label, folder):
    lines = []
    for root, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                data = f.read()
            rel = os.path.relpath(p, folder)
            lines.append((rel.encode(), "%s %s %d %s" % (label, rel, len(data), hashlib.sha256(data).hexdigest())))
    return [line for _, line in sorted(lines)]


def expected(app, live=None):
    return (listing("baked", os.path.join(app, "baked")) + listing("live", live or os.path.join(app, "live")) +
            ["clocks: ok", "random: 32 bytes", "disk: 16 sectors of 512, sector 3 written and read back",
             "scratch: 5 bytes back"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atoll", required=True)
    ap.add_argument("--app", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    c = Checks()
    os.makedirs(a.work, exist_ok=True)
    app = copy_app(a.app, os.path.join(a.work, "files"))
    atoll = a.atoll

    r = run([atoll, "configure", "-t", "unix", "files"], a.work)
    c.check(r.returncode == 0, "configure", output(r))
    r = run([atoll, "build"], a.work)
    if not c.check(r.returncode == 0, "build", output(r)):
        return c.done()
    r = run([atoll, "run"], a.work)
    c.check(r.returncode == 0 and r.stdout.splitlines() == expected(app), "run lists both folders and uses every device",
            output(r) + "\nexpected:\n" + "\n".join(expected(app)))
    c.check(os.path.getsize(os.path.join(app, "disk.img")) == 16 * 512, "the block image was made, 16 sectors")

    with open(os.path.join(app, "baked", "index.html"), "a") as f:
        f.write("<p>changed</p>\n")
    with open(os.path.join(app, "baked", "added.txt"), "w") as f:
        f.write("a file added after the first build\n")
    r = run([atoll, "build"], a.work)
    c.check(r.returncode == 0 and "Crunching" in r.stdout, "build crunches the changed folder again", output(r))
    r = run([atoll, "run"], a.work)
    c.check(r.returncode == 0 and r.stdout.splitlines() == expected(app),
            "run shows the changed and the added file", output(r))
    r = run([atoll, "build"], a.work)
    c.check(r.returncode == 0 and "Crunching" not in r.stdout, "an unchanged folder is not crunched again", output(r))
    os.remove(os.path.join(app, "baked", "b", "a.txt"))
    r = run([atoll, "build"], a.work)
    c.check(r.returncode == 0 and "Crunching" in r.stdout, "build crunches again after a file is removed", output(r))
    r = run([atoll, "run"], a.work)
    c.check(r.returncode == 0 and r.stdout.splitlines() == expected(app) and "b/a.txt" not in r.stdout,
            "run no longer shows the removed file", output(r))

    other = os.path.join(a.work, "other-live")
    os.makedirs(os.path.join(other, "deep", "er"), exist_ok=True)
    with open(os.path.join(other, "deep", "er", "x.txt"), "w") as f:
        f.write("another folder\n")
    r = run([atoll, "run", "--", "--live-dir=" + other], a.work)
    c.check(r.returncode == 0 and r.stdout.splitlines() == expected(app, other), "--live-dir serves another folder",
            output(r))
    r = run([atoll, "run", "--", "--live-dir=" + os.path.join(a.work, "nowhere")], a.work)
    c.check(r.returncode == 2 and "files: device 'live': " in r.stderr, "a missing folder names the device", output(r))
    r = run([atoll, "describe"], a.work)
    c.check(r.returncode == 0 and "read-only   --live-dir" in r.stdout and "read-write  --disk-file" in r.stdout
            and "atl::crunched_kv" in r.stdout, "describe shows the sandbox's paths", output(r))
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
