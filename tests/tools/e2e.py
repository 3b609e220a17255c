"""Shared helpers of the atoll tool's end-to-end tests (tests/tools/*_e2e.py)."""
import os
import shutil
import socket
import subprocess
import sys

# Builds of applications share the machine with the rest of the test run.
ENV = dict(os.environ, CMAKE_BUILD_PARALLEL_LEVEL=os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2"))


class Checks:
    """Collects named checks; each prints ok or FAIL as it is made."""

    def __init__(self):
        self.failed = []
        self.passed = 0

    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            print("ok   " + what)
        else:
            self.failed.append(what)
            print("FAIL " + what + ("\n     " + detail.strip().replace("\n", "\n     ") if detail else ""))
        sys.stdout.flush()
        return cond

    def done(self):
        print("%d passed, %d failed" % (self.passed, len(self.failed)))
        return 1 if self.failed else 0


def run(cmd, cwd, timeout=900):
    """Runs cmd in cwd; returns the CompletedProcess (text, both streams captured)."""
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=ENV)


def copy_app(source, dest):
    """Copies an application folder without what a build left in it."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("_atoll", ".atoll-current"))
    return dest


def output(r):
    return "exit %d\nstdout: %s\nstderr: %s" % (r.returncode, r.stdout[-3000:], r.stderr[-3000:])


def build_unix(c, atoll, work, name):
    """Configures the application folder `name` (under work) for unix and builds it, as
    checks; returns the path of its binary, or None when the build failed."""
    r = run([atoll, "configure", "-t", "unix", name], work)
    c.check(r.returncode == 0, "configure -t unix " + name, output(r))
    r = run([atoll, "build"], work)
    if not c.check(r.returncode == 0, "build", output(r)):
        return None
    return os.path.join(work, name, "_atoll", "unix", "build", name)


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, args, ready):
    """Starts binary with args; returns (process, first stdout line) once that line starts
    with `ready`, or (None, why) after killing it."""
    p = subprocess.Popen([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    line = p.stdout.readline()
    if not line.startswith(ready):
        p.kill()
        return None, "no %r line: %r, stderr: %s" % (ready, line, p.stderr.read())
    return p, line


def stop(p):
    """Terminates p (kills it after 10 s); returns what it wrote to stderr."""
    p.terminate()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    return p.stderr.read()


def direct_unavailable():
    if not os.access("/dev/net/tun", os.R_OK | os.W_OK):
        return "no usable /dev/net/tun"
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "no unshare or ip command"
    r = subprocess.run(["unshare", "-n", "ip", "tuntap", "add", "dev", "atl-probe", "mode", "tap"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return "cannot make a TAP in a new network namespace: " + (r.stderr.strip() or "unshare failed")
    return ""
