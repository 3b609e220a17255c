#!/usr/bin/env python3
"""Fails when a BoringSSL archive defines a global symbol without the prefix.

Usage: check_prefixed.py --nm NM --prefix P ARCHIVE...

A symbol passes when it is a C symbol named P_..., or a C++ symbol inside the
inline namespace bssl::P (mangled ...4bssl<len(P)>P...). third_party/boringssl's
prefix_symbols.py renames everything else, so nothing needs to stay unprefixed on
x86-64 and aarch64. The one allowance is __x86.get_pc_thunk.* (32-bit x86 only):
hidden COMDAT helpers the compiler emits in every object, identical wherever
they come from, which read_symbols.go skips as well.
An unprefixed global would clash with the OpenSSL that libssh2 (libgit2) loads.
"""

import argparse
import subprocess
import sys

ALLOWED_PREFIXES = ("__x86.get_pc_thunk.",)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nm", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("archives", nargs="+")
    args = parser.parse_args()
    namespace = f"4bssl{len(args.prefix)}{args.prefix}"

    failed = False
    for archive in args.archives:
        out = subprocess.run([args.nm, "-g", "--defined-only", "-P", archive], check=True,
                             capture_output=True, text=True).stdout
        total = 0
        bad = []
        for line in out.splitlines():
            fields = line.split()
            if len(fields) < 2 or fields[0].endswith(":"):
                continue  # archive member header
            name = fields[0]
            total += 1
            if name.startswith(args.prefix + "_") or (name.startswith("_Z") and namespace in name):
                continue
            if name.startswith(ALLOWED_PREFIXES):
                continue
            bad.append(name)
        if total == 0:
            print(f"{archive}: no defined global symbols (not a BoringSSL archive?)")
            failed = True
        for name in sorted(set(bad)):
            print(f"{archive}: unprefixed global symbol {name}")
        failed = failed or bool(bad)
        print(f"{archive}: {total} defined global symbols, {len(bad)} unprefixed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
