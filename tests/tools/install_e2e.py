#!/usr/bin/env python3
"""An application outside the atoll tree, built with an installed atoll.

Installs the build tree into a fresh prefix (cmake --install), copies
examples/hello into a folder outside both trees, and configures, builds,
describes and runs it with PREFIX/bin/atoll, which must find
PREFIX/lib/cmake/atoll by itself.
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Checks, copy_app, output, run  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--work", required=True, help="unused: the test works in a temporary folder")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args()
    c = Checks()
    top = tempfile.mkdtemp(prefix="atoll-install-")
    try:
        prefix = os.path.join(top, "prefix")
        r = run(["cmake", "--install", a.build, "--prefix", prefix], top)
        if not c.check(r.returncode == 0, "cmake --install into " + prefix, output(r)):
            return c.done()
        atoll = os.path.join(prefix, "bin", "atoll")
        c.check(os.access(atoll, os.X_OK), "the install has bin/atoll")
        c.check(os.path.exists(os.path.join(prefix, "lib", "cmake", "atoll", "AtollApp.cmake")),
                "the install has lib/cmake/atoll/AtollApp.cmake")
        r = run([atoll, "--version"], top)
        c.check(r.returncode == 0 and r.stdout.startswith("atoll "), "atoll --version", output(r))

        work = os.path.join(top, "elsewhere")
        os.makedirs(work)
        copy_app(a.example, os.path.join(work, "hello"))
        r = run([atoll, "configure", "-t", "unix", "hello"], work)
        if not c.check(r.returncode == 0, "configure with the installed atoll", output(r)):
            return c.done()
        with open(os.path.join(work, "hello", "_atoll", "unix", "CMakeLists.txt")) as f:
            generated = f.read()
        c.check(os.path.join(prefix, "lib", "cmake", "atoll") in generated and a.build not in generated,
                "the application is configured against the installed package, not the build tree", generated)
        r = run([atoll, "build"], work)
        if not c.check(r.returncode == 0, "build with the installed atoll", output(r)):
            return c.done()
        r = run([atoll, "run", "--", "--count=2", "--interval=10ms"], work)
        c.check(r.returncode == 0 and r.stdout == "hello\nhello\n", "run: two greetings", output(r))
        r = run([atoll, "describe"], work)
        c.check(r.returncode == 0 and "atl::engine_sleep" in r.stdout, "describe", output(r))
    finally:
        if a.keep:
            print("kept " + top)
        else:
            shutil.rmtree(top, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
