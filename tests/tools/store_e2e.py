#!/usr/bin/env python3
"""atoll store end to end, against the git command.

A history made with git (two branches and a merge) goes into a block image
as a pack (`atoll store import`); `branches`, `log`, `show`, `diff` and
`fsck` read it as git does; `export` gives a bare repository that git
verifies, clones and reads identically. The same subcommands work on the git
repository itself (the libgit2 backend). A damaged image fails fsck with the
object named; a file that is no store is refused with one clear line.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Checks, output, run  # noqa: E402


def git(repo, *args, env=None):
    full = dict(os.environ, GIT_AUTHOR_NAME="G", GIT_AUTHOR_EMAIL="g@example.org",
                GIT_COMMITTER_NAME="G", GIT_COMMITTER_EMAIL="g@example.org", **(env or {}))
    return subprocess.run(["git", "-C", repo] + list(args), capture_output=True, text=True, env=full,
                          check=True).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atoll", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    if shutil.which("git") is None:
        print("skipped: git is not installed")
        return 0
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    c = Checks()
    atoll = a.atoll
    repo = os.path.join(a.work, "repo")
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    t = 1700000000

    def commit(name, when):
        with open(os.path.join(repo, name + ".txt"), "w") as f:
            f.write(name + "\n")
        date = {"GIT_AUTHOR_DATE": "@%d +0000" % when, "GIT_COMMITTER_DATE": "@%d +0000" % when}
        git(repo, "add", name + ".txt", env=date)
        git(repo, "commit", "-q", "-m", name, env=date)

    commit("one", t + 10)
    git(repo, "checkout", "-q", "-b", "side")
    commit("two", t + 20)
    git(repo, "checkout", "-q", "main")
    commit("three", t + 30)
    t += 30
    date = {"GIT_AUTHOR_DATE": "@%d +0000" % (t + 10), "GIT_COMMITTER_DATE": "@%d +0000" % (t + 10)}
    git(repo, "merge", "-q", "--no-edit", "side", env=date)
    main_id = git(repo, "rev-parse", "main").strip()
    side_id = git(repo, "rev-parse", "side").strip()
    objects = git(repo, "rev-list", "--objects", "--all")
    pack_base = os.path.join(a.work, "history")
    subprocess.run(["git", "-C", repo, "pack-objects", "-q", pack_base], input=objects, text=True,
                   check=True, capture_output=True)
    pack = [p for p in os.listdir(a.work) if p.startswith("history-") and p.endswith(".pack")][0]

    image = os.path.join(a.work, "store.img")
    r = run([atoll, "store", "init", image, "--size", "4"], a.work)
    c.check(r.returncode == 0 and os.path.getsize(image) == 4 << 20, "init makes a 4 MiB image", output(r))
    r = run([atoll, "store", "import", image, os.path.join(a.work, pack), "--ref", "refs/heads/main=" + main_id],
            a.work)
    c.check(r.returncode == 0 and "imported" in r.stdout, "import reads git's pack and sets a ref", output(r))
    # Again, for the second branch: the objects are there, one more batch.
    r = run([atoll, "store", "import", image, os.path.join(a.work, pack), "--ref", "refs/heads/side=" + side_id],
            a.work)
    c.check(r.returncode == 0, "a second import sets the other ref", output(r))

    for label, store in (("image", image), ("git repository", os.path.join(repo, ".git"))):
        r = run([atoll, "store", "branches", store], a.work)
        c.check(r.returncode == 0 and r.stdout == "%s refs/heads/main\n%s refs/heads/side\n" % (main_id, side_id),
                label + ": branches lists both with git's ids", output(r))
        r = run([atoll, "store", "log", store, "main", "-n", "10"], a.work)
        ids = [line.split()[1] for line in r.stdout.splitlines() if line.startswith("commit ")]
        c.check(r.returncode == 0 and ids == git(repo, "rev-list", "--date-order", "main").split(),
                label + ": log is git's date-ordered history", output(r))
        r = run([atoll, "store", "show", store, "main:two.txt"], a.work)
        c.check(r.returncode == 0 and r.stdout == "two\n", label + ": show REV:PATH prints the value", output(r))
        r = run([atoll, "store", "show", store, "main"], a.work)
        c.check(r.returncode == 0 and ("commit " + main_id) in r.stdout and "parent " + side_id in r.stdout,
                label + ": show REV prints the merge commit and its parents", output(r))
        r = run([atoll, "store", "diff", store, "side", "main"], a.work)
        c.check(r.returncode == 0 and r.stdout == "A\tthree.txt\n", label + ": diff names the changed path",
                output(r))
        r = run([atoll, "store", "fsck", store], a.work)
        c.check(r.returncode == 0 and ": ok" in r.stdout, label + ": fsck passes", output(r))

    exported = os.path.join(a.work, "exported.git")
    r = run([atoll, "store", "export", image, exported], a.work)
    c.check(r.returncode == 0, "export writes a bare repository", output(r))
    fsck = subprocess.run(["git", "-C", exported, "fsck", "--strict"], capture_output=True, text=True)
    c.check(fsck.returncode == 0, "git fsck --strict accepts the export", fsck.stdout + fsck.stderr)
    clone = os.path.join(a.work, "clone")
    cl = subprocess.run(["git", "clone", "-q", exported, clone], capture_output=True, text=True)
    c.check(cl.returncode == 0 and open(os.path.join(clone, "three.txt")).read() == "three\n"
            and git(clone, "rev-parse", "HEAD").strip() == main_id, "git clone of the export has main",
            cl.stderr)

    # Damage: a byte of an object's bytes in the image.
    with open(image, "r+b") as f:
        data = f.read()
        at = data.find(b"three\n")
        f.seek(at)
        f.write(b"THREE\n")
    r = run([atoll, "store", "fsck", image], a.work)
    c.check(r.returncode == 1 and "fails its checksum" in r.stdout and "DAMAGED" in r.stdout,
            "fsck finds the damaged batch", output(r))
    r = run([atoll, "store", "branches", image], a.work)
    c.check(r.returncode == 1 and "damaged" in r.stderr, "a damaged image is refused, not half-read", output(r))
    notes = os.path.join(a.work, "notes.txt")
    with open(notes, "w") as f:
        f.write("not a store\n" * 1000)
    r = run([atoll, "store", "branches", notes], a.work)
    c.check(r.returncode == 1 and "atoll store:" in r.stderr and len(r.stderr.splitlines()) == 1,
            "a file that is no store is refused in one line", output(r))
    # A writer killed at random points (SIGKILL, mid-commit or not): every
    # commit it acknowledged (printed its id: flushed) survives, fsck passes.
    crash = os.path.join(a.work, "crash.img")
    run([atoll, "store", "init", crash, "--size", "8"], a.work)
    rng = random.Random(20261124)
    acknowledged = []
    for round_ in range(20):
        loop = ("i=0; while true; do i=$((i+1)); printf 'value %%d' $i | %s store set %s k/v$((i %% 7)) || exit 1; done"
                % (atoll, crash))
        p = subprocess.Popen(["sh", "-c", loop], stdout=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(rng.uniform(0.05, 0.6))
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        acknowledged += [line for line in out.split() if len(line) == 40]
        r = run([atoll, "store", "fsck", crash], a.work)
        if not c.check(r.returncode == 0, "round %d: fsck passes after the writer was killed" % round_, output(r)):
            break
    r = run([atoll, "store", "log", crash, "main", "-n", "100000"], a.work)
    logged = set(line.split()[1] for line in r.stdout.splitlines() if line.startswith("commit "))
    missing = [x for x in acknowledged if x not in logged]
    c.check(len(acknowledged) > 20 and not missing,
            "every acknowledged commit of the killed writers is in the history (%d)" % len(acknowledged),
            "missing: %s" % missing[:5])

    r = run([atoll, "store", "frobnicate", image], a.work)
    c.check(r.returncode == 2, "an unknown subcommand is a usage error", output(r))
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
