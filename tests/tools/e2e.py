"""Shared helpers of the atoll tool's end-to-end tests (tests/tools/*_e2e.py)."""
import os
import shutil
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
