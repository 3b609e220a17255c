#!/usr/bin/env python3
"""Portability check: portable libraries keep DESIGN.md's rules.

For every portable library (one `name<TAB>archive` line per library in the
file given by --libraries; the archive may be "-" for header-only ones):

  includes  Each source is preprocessed again, with the flags of its entry in
            compile_commands.json, under -H: the compiler prints every header
            it opens, one dot per nesting level. A header at depth d was
            included by the nearest previous header at depth d-1 (by the source
            at depth 1). A banned header (rules.py) included directly by a
            project file fails the check; headers that dependencies include
            themselves do not count. Project files are the sources checked and
            the files under --project-dirs. Each project file met is also read
            for banned #include lines that -H could not show (a header already
            opened, behind its include guard).
  symbols   `nm` on the static library: no reference to exceptions, RTTI,
            threads, iostreams or host calls (rules.py). The line comes from
            objdump's line table when the library has debug information.

Prints one line per violation (file:line: what, why) and exits 1 if any, 2 on
a usage or set-up error, 0 when the libraries are clean.
"""

import argparse
import concurrent.futures
import functools
import json
import os
import re
import shlex
import subprocess
import sys

import rules

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
DEFAULT_PROJECT_DIRS = ["core", "devices", "net", "tls", "store", "examples"]


class SetupError(Exception):
    pass


@functools.lru_cache(maxsize=None)
def include_lines(path):
    """[(line number, spelled name)] of the #include lines of `path`."""
    with open(path, encoding="utf-8", errors="replace") as f:
        return [(number, m.group(1))
                for number, line in enumerate(f, 1) if (m := INCLUDE_RE.match(line))]


def spelled_include(includer, header):
    """The #include line of `includer` that opened `header`: (line, name) or None."""
    best = None
    for number, name in include_lines(includer):
        if header == name or header.endswith("/" + name):
            if best is None or len(name) > len(best[1]):
                best = (number, name)
    return best


def command_args(entry):
    return entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])


def object_file(entry):
    """The object an entry compiles to (CMake 3.25 writes no "output" field)."""
    if "output" in entry:
        return entry["output"]
    args = command_args(entry)
    return args[args.index("-o") + 1] if "-o" in args[:-1] else ""


def preprocess_command(entry):
    """The entry's compile command, turned into `preprocess only, print headers`."""
    args = command_args(entry)
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
        elif arg not in ("-c", "-MD", "-MMD"):
            out.append(arg)
    return out + ["-E", "-H", "-o", os.devnull]


def header_edges(entry):
    """[(includer, header)] for one source, from the compiler's -H output."""
    directory = entry["directory"]
    source = os.path.realpath(os.path.join(directory, entry["file"]))
    proc = subprocess.run(preprocess_command(entry), cwd=directory, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise SetupError(f"preprocessing {source} failed:\n{proc.stderr}")
    chain, edges = [source], []
    for line in proc.stderr.splitlines():
        m = re.match(r"^(\.+) (.+)$", line)
        if not m:
            continue
        depth = len(m.group(1))
        header = os.path.realpath(os.path.join(directory, m.group(2)))
        if depth > len(chain):
            raise SetupError(f"unexpected -H nesting in {source}: {line}")
        edges.append((chain[depth - 1], header))
        chain = chain[:depth] + [header]
    return source, edges


def check_includes(entries, root, project_dirs):
    roots = tuple(os.path.join(root, d) + os.sep for d in project_dirs)
    sources = {os.path.realpath(os.path.join(e["directory"], e["file"])) for e in entries}

    def is_project(path):
        return path in sources or path.startswith(roots)

    violations, seen_project_files = set(), set()
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for source, edges in pool.map(header_edges, entries):
            seen_project_files.add(source)
            for includer, header in edges:
                if is_project(header):
                    seen_project_files.add(header)
                if not is_project(includer):
                    continue
                spelled = spelled_include(includer, header)
                if spelled is None:  # e.g. #include MACRO: judge by the path
                    name = header if header.startswith(root) else system_name(header)
                    spelled = (0, name)
                reason = rules.banned_header(spelled[1])
                if reason:
                    violations.add((includer, spelled[0], spelled[1], reason))
    # Banned #include lines that -H did not show (header already included).
    for path in seen_project_files:
        for number, name in include_lines(path):
            reason = rules.banned_header(name)
            if reason:
                violations.add((path, number, name, reason))
    return [f"{rel(path, root)}:{line}: includes <{name}>: {reason}"
            for path, line, name, reason in sorted(violations)]


def system_name(path):
    """/usr/include/x86_64-linux-gnu/sys/socket.h -> sys/socket.h (best guess)."""
    m = re.search(r"/include/(?:c\+\+/\d+/|[\w-]+-linux-gnu/)?(.+)$", path)
    return m.group(1) if m else os.path.basename(path)


def demangle(names):
    if not names:
        return {}
    proc = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True)
    return dict(zip(names, proc.stdout.splitlines()))


def symbol_lines(archive, wanted):
    """{(member, symbol): 'file:line'} from objdump's line table, where it has one."""
    proc = subprocess.run(["objdump", "-d", "-l", "-r", "--no-show-raw-insn", archive],
                          capture_output=True, text=True)
    found, member, location = {}, None, None
    for line in proc.stdout.splitlines():
        m = re.match(r"^(\S+\.o):\s+file format", line)
        if m:
            member, location = m.group(1), None
            continue
        m = re.match(r"^(/\S+):(\d+)", line)
        if m:
            location = f"{m.group(1)}:{m.group(2)}"
            continue
        m = re.search(r"\sR_\w+\s+([^\s+-]+)", line)
        if m and (member, m.group(1)) in wanted and location:
            found.setdefault((member, m.group(1)), location)
    return found


def check_symbols(name, archive, root):
    proc = subprocess.run(["nm", "-A", "-P", archive], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SetupError(f"nm {archive} failed:\n{proc.stderr}")
    refs = []  # (member, symbol, kind)
    for line in proc.stdout.splitlines():
        m = re.match(r"^.*\[(.+)\]: (\S+) (\w)", line)
        if m:
            refs.append(m.groups())
    names = sorted({sym for _, sym, _ in refs})
    plain = demangle(names)
    bad = {}
    for member, sym, kind in refs:
        defined_typeinfo = kind not in "Uuvw" and sym.startswith(("_ZTI", "_ZTS"))
        if kind in "Uuvw" or defined_typeinfo:
            reason = rules.banned_symbol(sym, plain.get(sym, sym))
            if reason:
                verb = "defines" if defined_typeinfo else "references"
                bad[(member, sym)] = (verb, reason)
    where = symbol_lines(archive, bad) if bad else {}
    lib = os.path.basename(archive)
    return [f"{rel(where[key], root) if key in where else lib + '(' + key[0] + ')'}: "
            f"{name} {verb} {plain.get(key[1], key[1])}: {reason}"
            for key, (verb, reason) in sorted(bad.items())]


def rel(path, root):
    return os.path.relpath(path, root) if path.startswith(root + os.sep) else path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the repository's top directory")
    parser.add_argument("--compile-commands", required=True, help="compile_commands.json")
    parser.add_argument("--libraries", required=True, help="file of `name<TAB>archive` lines")
    parser.add_argument("--project-dirs", nargs="*", default=DEFAULT_PROJECT_DIRS,
                        help="directories (under --root) whose files are project files")
    args = parser.parse_args()
    root = os.path.realpath(args.root)
    try:
        with open(args.libraries, encoding="utf-8") as f:
            libraries = [line.rstrip("\n").split("\t") for line in f if line.strip()]
        with open(args.compile_commands, encoding="utf-8") as f:
            database = json.load(f)
        if not libraries:
            raise SetupError(f"{args.libraries} names no library")
        problems = []
        for name, archive in libraries:
            in_lib = re.compile(r"(^|/)CMakeFiles/" + re.escape(name) + r"\.dir/")
            entries = [e for e in database if in_lib.search(object_file(e))]
            if not entries and archive != "-":
                raise SetupError(f"no compile commands for {name} in {args.compile_commands}")
            problems += check_includes(entries, root, args.project_dirs)
            if archive != "-":
                problems += check_symbols(name, archive, root)
            print(f"portability: {name}: {len(entries)} sources checked")
    except (OSError, ValueError, SetupError) as e:
        print(f"portability: error: {e}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"portability: {problem}")
    if problems:
        print(f"portability: {len(problems)} violations of DESIGN.md's portable-code rules")
        return 1
    print("portability: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
