"""Regenerate markers_suite.json and specifiers_suite.json from packaging's
own test suite: every marker and every (specifier, version) pair in the
pytest parametrize tables of its tests/test_markers.py and
tests/test_specifiers.py, with the answers of the packaging library itself.

    PYTHONPATH=fakepytest:/path/to/packaging/src:/path/to/packaging \\
        python3 gen_suite.py

fakepytest/ holds stand-ins for pytest and pretend: mark.parametrize
records its values in pytest.COLLECTED, so that the test modules can be
imported without either.
The answers come from packaging, never from the tests' own expectations,
so the tables say what the library does.
"""
import json
import os

import packaging
from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

import pytest  # the stand-in

import gen_markers  # noqa: E402  (ENVIRONMENTS; its main() runs on import)

HERE = os.path.dirname(os.path.abspath(__file__))


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)


def collect(module):
    start = len(pytest.COLLECTED)
    __import__(module)
    return pytest.COLLECTED[start:]


def markers(tables):
    seen = []
    for names, values in tables:
        names = names if isinstance(names, str) else ",".join(names)
        if "marker" not in names and "expression" not in names:
            continue
        for row in values:
            for s in strings(row):
                for m in ([s.format(v) for v in ("extras", "dependency_groups")] if "{0}" in s else [s]):
                    if m not in seen:
                        seen.append(m)
    out = []
    for m in seen:
        row = {"marker": m}
        try:
            marker = Marker(m)
        except InvalidMarker:
            row["invalid"] = True
            out.append(row)
            continue
        row["results"] = {}
        for name, env in gen_markers.ENVIRONMENTS.items():
            env = dict(env, extras=frozenset(env["extras"]),
                       dependency_groups=frozenset(env["dependency_groups"]))
            try:
                row["results"][name] = marker.evaluate(env, context="lock_file")
            except Exception:  # noqa: BLE001
                row["results"][name] = "error"
        out.append(row)
    return out


def is_version(s):
    try:
        Version(s)
    except InvalidVersion:
        return False
    return True


def looks_like_spec(s):
    return s[:1] in "<>=!~" or s == ""


def specifiers(tables):
    versions_of = {}
    for _, values in tables:
        for row in values:
            # Python's int() refuses the suite's 5000-digit versions.
            ss = [s for s in strings(row) if len(s) < 1000]
            specs = [s for s in ss if looks_like_spec(s.strip()) and s.strip()]
            vers = [s for s in ss if not looks_like_spec(s.strip())]
            for s in specs:
                vs = versions_of.setdefault(s, [])
                vs.extend(v for v in vers if v not in vs)
    out = []
    for s, vers in versions_of.items():
        try:
            ss = Requirement("x" + s).specifier
        except InvalidRequirement:
            out.append({"spec": s, "invalid": True})
            continue
        valid = [v for v in vers if is_version(v)]
        matched = list(ss.filter(valid))
        finals = [v for v in valid if not Version(v).is_prerelease]
        out.append({
            "spec": s,
            "contains": {v: ss.contains(v, prereleases=True) for v in vers},
            "newest": max(matched, key=Version) if matched else "",
            "newest_of_finals": max(ss.filter(finals), key=Version, default=""),
        })
    return out


def main():
    for name, module, build in (("markers_suite.json", "tests.test_markers", markers),
                                ("specifiers_suite.json", "tests.test_specifiers", specifiers)):
        key = "markers" if "markers" in name else "specs"
        doc = {"packaging": packaging.__version__, "source": module.replace(".", "/") + ".py",
               "environments": gen_markers.ENVIRONMENTS, key: build(collect(module))}
        rows = doc.pop(key)
        with open(os.path.join(HERE, name), "w") as f:
            # One row a line: the suite is long.
            head = json.dumps(doc, sort_keys=True)
            f.write(head[:-1] + ', "%s": [\n' % key)
            f.write(",\n".join(json.dumps(r, sort_keys=True) for r in rows))
            f.write("\n]}\n")


main()
