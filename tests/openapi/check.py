#!/usr/bin/env python3
"""check.py - docs/openapi.yaml must describe exactly the routes the server has.

Compares the set of (METHOD, path) operations under `paths:` in docs/openapi.yaml with the route
table ky_app_routes[] in src/app/routes.c plus the operations endpoints (GET /healthz, /readyz,
/metrics, answered in src/app/app.c). Prints every difference and exits 1 when there is one.

Python standard library only. The YAML is read line by line, relying on the layout that
docs/openapi.yaml keeps on purpose (and states at its top):
  paths:                  at column 0
    /api/v1/...:          path keys indented by exactly 2 spaces
      get: / post: ...    HTTP methods indented by exactly 4 spaces
The section ends at the next key at column 0.

Usage: tests/openapi/check.py [--root REPO] [--spec FILE] [--routes FILE]
Exit status: 0 in sync, 1 differences (or nothing found), 2 usage or I/O error.
"""

import argparse
import os
import re
import sys

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# The operations endpoints are not in the route table (app.c answers them before routing).
OPS_ENDPOINTS = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")}

# {"GET", "/api/v1/me", ky_h_me, KY_R_AUTH},
ROUTE_RE = re.compile(r'\{\s*"([A-Z]+)"\s*,\s*"(/[^"]*)"\s*,\s*([A-Za-z_]\w*)\s*,\s*([^}]*)\}')
PATH_KEY_RE = re.compile(r"^  (/[^\s:]*|'/[^']*'|\"/[^\"]*\"):\s*(#.*)?$")
METHOD_KEY_RE = re.compile(r"^    ([a-z]+):\s*(#.*)?$")


def strip_c_comments(text):
    """Removes /* */ and // comments so commented-out routes do not count."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


TABLE_RE = re.compile(r"const\s+struct\s+ky_route\s+(\w+)\s*\[\s*\]\s*=\s*\{")


def read_routes(paths):
    """Returns {(METHOD, path): "file:line"} from every `const struct ky_route NAME[] = {...}`
    table in the given C files (the core table and each module's)."""
    if isinstance(paths, str):
        paths = [paths]
    routes = {}
    dups = []
    tables = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = strip_c_comments(f.read())
        for t in TABLE_RE.finditer(text):
            tables += 1
            start = t.end()
            end = text.find("};", start)
            for m in ROUTE_RE.finditer(text, start, end if end > 0 else len(text)):
                key = (m.group(1), m.group(2))
                where = f"{path}:{text.count(chr(10), 0, m.start()) + 1}"
                if key in routes:
                    dups.append(f"{where}: {key[0]} {key[1]} is listed twice (also {routes[key]})")
                routes[key] = where
    if tables == 0:
        raise ValueError("no `const struct ky_route NAME[] = {` table found")
    return routes, dups


def read_spec(path):
    """Returns {(METHOD, path): line} from the paths: section, and layout problems."""
    ops = {}
    problems = []
    in_paths = False
    current = None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line.startswith(" "):
                in_paths = line.split("#")[0].strip() == "paths:"
                current = None
                continue
            if not in_paths:
                continue
            if "\t" in line[: len(line) - len(line.lstrip())]:
                problems.append(f"{path}:{n}: tab in indentation")
                continue
            m = PATH_KEY_RE.match(line)
            if m:
                current = m.group(1).strip("'\"")
                continue
            if line.startswith("  ") and not line.startswith("   "):
                problems.append(f"{path}:{n}: expected a path key ('  /...:') here: {line.strip()}")
                current = None
                continue
            m = METHOD_KEY_RE.match(line)
            if m and current is not None:
                word = m.group(1)
                if word in HTTP_METHODS:
                    key = (word.upper(), current)
                    if key in ops:
                        problems.append(f"{path}:{n}: {key[0]} {key[1]} is described twice")
                    ops[key] = n
                elif word not in ("parameters", "summary", "description", "servers"):
                    problems.append(f"{path}:{n}: unexpected key '{word}' under {current}")
    return ops, problems


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")))
    ap.add_argument("--spec")
    ap.add_argument("--routes")
    args = ap.parse_args(argv)
    spec = args.spec or os.path.join(args.root, "docs", "openapi.yaml")
    if args.routes:
        routes_c = [args.routes]
    else:
        routes_c = sorted(
            os.path.join(d, f)
            for d, _, files in os.walk(os.path.join(args.root, "src"))
            for f in files
            if f.endswith(".c")
        )

    try:
        routes, dups = read_routes(routes_c)
        ops, problems = read_spec(spec)
    except (OSError, ValueError) as e:
        print(f"check.py: {e}", file=sys.stderr)
        return 2

    if not routes:
        problems.append(f"{routes_c}: no routes found in ky_app_routes[]")
    if not ops:
        problems.append(f"{spec}: no operations found under paths:")
    problems += dups

    want = dict(routes)
    for key in OPS_ENDPOINTS:
        want.setdefault(key, 0)

    missing = sorted(set(want) - set(ops), key=lambda k: (k[1], k[0]))
    extra = sorted(set(ops) - set(want), key=lambda k: (k[1], k[0]))
    for method, p in missing:
        where = want[(method, p)] if want[(method, p)] else "src/app/app.c"
        problems.append(f"{spec}: missing {method} {p} (route at {where})")
    for method, p in extra:
        problems.append(f"{spec}:{ops[(method, p)]}: {method} {p} is not a route of the server")

    if problems:
        for p in problems:
            print(p)
        print(f"check.py: FAILED: docs/openapi.yaml and the route table differ ({len(problems)} problems)")
        return 1
    print(f"check.py: OK: {len(ops)} operations in {os.path.relpath(spec, args.root)} match "
          f"{len(routes)} routes + {len(OPS_ENDPOINTS)} operations endpoints")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
