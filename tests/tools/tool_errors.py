#!/usr/bin/env python3
"""The atoll command's errors: each one line on stderr, exit status 2.

Unknown and unimplemented targets, missing or bad manifests (with file and
line), a missing app header or crunch folder, bad usage. Nothing here builds.
"""
import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Checks, copy_app, output, run  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atoll", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    c = Checks()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    atoll = a.atoll
    copy_app(a.example, os.path.join(a.work, "hello"))

    def error(cmd, expected, what):
        r = run([atoll] + cmd, a.work)
        c.check(r.returncode == 2 and r.stderr == "atoll: " + expected + "\n" and r.stdout == "", what,
                "expected: atoll: %s\n%s" % (expected, output(r)))

    def manifest_error(lines, expected, what, files=()):
        name = "m%d" % manifest_error.count
        manifest_error.count += 1
        folder = os.path.join(a.work, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "atoll.manifest"), "w") as f:
            f.write("".join(line + "\n" for line in lines))
        for f in files:
            os.makedirs(os.path.dirname(os.path.join(folder, f)), exist_ok=True)
            open(os.path.join(folder, f), "w").close()
        error(["configure", "-t", "unix", name], expected.replace("FILE", name + "/atoll.manifest"), what)
    manifest_error.count = 0

    error(["configure", "-t", "foo", "hello"], "unknown target 'foo' (unix, kvm, xen)", "an unknown target")
    error(["configure", "--target=foo", "hello"], "unknown target 'foo' (unix, kvm, xen)", "... given as --target=")
    for target in ("kvm", "xen"):
        error(["configure", "-t", target, "hello"],
              "target '%s' is not implemented yet: atoll builds for unix today (kvm and xen come later)" % target,
              "-t %s is known but not implemented" % target)
    c.check(not os.path.exists(os.path.join(a.work, "hello", "_atoll")), "a failed configure writes nothing")
    error(["configure", "-t"], "-t needs a target (unix, kvm, xen)", "-t without a target")
    error(["configure", "-t", "unix"], "configure needs the application's folder: atoll configure -t unix DIR",
          "configure without DIR")
    error(["configure", "-x", "hello"], "configure: unknown option '-x' (atoll configure -t TARGET DIR)",
          "an unknown option")
    error(["configure", "hello", "other"], "configure takes one application folder ('hello', then 'other')",
          "two folders")
    error(["configure", "-t", "unix", "nowhere"],
          "nowhere/atoll.manifest: no manifest (an application's folder holds its atoll.manifest)",
          "a folder without a manifest")

    head = ["name a", "app a.hpp a"]
    manifest_error(head + ["device consol c"],
                   "FILE:3: unknown device kind 'consol' (console, mono_clock, wall_clock, sleep, random, block, "
                   "kv_ro, kv, stack)", "an unknown device kind, with file and line", files=["a.hpp"])
    manifest_error(["# a comment", "name a", "app missing.hpp a"],
                   "FILE:3: the app header 'missing.hpp' does not exist (%s)"
                   % os.path.join(a.work, "m1", "missing.hpp"), "a missing app header")
    manifest_error(head + ["key count uint four \"doc\""],
                   "FILE:3: bad default for key 'count': 'four' is not an unsigned integer", "a bad key default",
                   files=["a.hpp"])
    manifest_error(head + ["key count float 4 \"doc\""],
                   "FILE:3: unknown key type 'float' (bool, int, uint, port, string, duration)", "a bad key type",
                   files=["a.hpp"])
    manifest_error(head + ["device kv_ro site crunch=htdocs"],
                   "FILE:3: the folder to crunch for device 'site' does not exist (%s)"
                   % os.path.join(a.work, "m4", "htdocs"), "a missing folder to crunch", files=["a.hpp"])
    manifest_error(head + ["device console \"c"], "FILE:3: unterminated quoted word", "a syntax error",
                   files=["a.hpp"])
    manifest_error(head + ["device stack net", "device stack other"],
                   "FILE:4: a second stack device: --net chooses one stack for the whole application "
                   "(device 'net')", "two stack devices", files=["a.hpp"])
    manifest_error(head + ["key ipv4 string x \"doc\"", "device stack net"],
                   "FILE:4: device 'net' needs the key 'ipv4' on unix, which the key on line 3 already declares",
                   "a key of the stack device declared by the application", files=["a.hpp"])
    manifest_error(["name a"], "FILE: the manifest has no 'app' statement", "a missing statement")
    manifest_error(head + ["key site-dir string x \"d\"", "device kv_ro site dir"],
                   "FILE:4: device 'site' needs the key 'site-dir' on unix, which the key on line 3 already "
                   "declares", "a key the target needs is taken", files=["a.hpp"])
    manifest_error(head + ["cert ca keys/ca dns=localhost"],
                   "FILE:3: cert ca keys/ca: cert ca takes no --dns", "a cert statement atoll cert refuses",
                   files=["a.hpp"])
    manifest_error(head + ["cert self-signed tls/server"],
                   "FILE:3: cert self-signed tls/server: cert self-signed needs --dns NAME or --ip ADDR",
                   "a cert statement without what atoll cert needs", files=["a.hpp"])
    manifest_error(head + ["cert bitcoin keys/coin"],
                   "FILE:3: cert bitcoin keys/coin: only some of its files exist (keys/coin.address; missing: "
                   "keys/coin.key): remove them to make new ones, or restore the others",
                   "a cert whose files are partly there", files=["a.hpp", "keys/coin.address"])
    c.check(not os.path.exists(os.path.join(a.work, "m13", "keys", "coin.key")), "... and nothing is made")

    error(["frobnicate"], "unknown command 'frobnicate' (configure, build, run, describe, clean, crunch; atoll help)",
          "an unknown command")
    for cmd in ("build", "run", "clean", "describe"):
        error([cmd], "no application is configured here (./.atoll-current): run atoll configure -t unix DIR first, "
                     "or name DIR", "%s with nothing configured" % cmd)
    error(["run", "hello"], "hello is not built (%s): run atoll build"
          % os.path.join(a.work, "hello", "_atoll", "unix", "build", "hello"), "run before build")
    error(["build", "hello"], "%s is not configured for unix: run atoll configure -t unix %s"
          % ((os.path.join(a.work, "hello"),) * 2), "build before configure")
    error(["describe", "-t", "kvm", "hello"],
          "target 'kvm' is not implemented yet: atoll builds for unix today (kvm and xen come later)",
          "describe -t kvm")
    error(["crunch", "x"], "crunch takes FOLDER OUT.cpp FUNCTION", "crunch usage")
    error(["crunch", "nowhere", "out.cpp", "f"], "crunch: 'nowhere' is not a folder", "crunch of a missing folder")

    r = run([atoll, "describe", "hello"], a.work)
    c.check(r.returncode == 0 and "atl::engine_sleep" in r.stdout, "describe DIR needs no configure", output(r))
    r = run([atoll], a.work)
    c.check(r.returncode == 2 and r.stderr.startswith("usage: atoll configure"), "no command: usage", output(r))
    r = run([atoll, "help"], a.work)
    c.check(r.returncode == 0 and r.stdout.startswith("usage: atoll configure"), "atoll help", output(r))
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
