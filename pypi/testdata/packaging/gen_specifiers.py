"""Regenerate specifiers.json from the real packaging library.

    PYTHONPATH=/path/to/packaging/src python3 gen_specifiers.py > specifiers.json

TestSpecifiersAgainstPackaging replays it: pip's finder uses current
packaging (>= 24.2), so pyverify must pick the release pip would.
"""
import json
import sys

import packaging
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

SPECS = [
    "<2.0a2", "<2.0", "<=2.0a2", ">2.0a1", ">2.0", ">1.0", ">1.0.post1", ">=1.0",
    ">=2.0a1", "==2.0a1", "!=2.0a1", "==2.*", "!=2.*", "~=1.4", "~=1.4.5",
    "===1.0", "===1.0+Local", "===1.0.0", "===1.0-post1", "===FooBar",
    "<1.0+local", ">1.0+local", "==1.0+local", "<=1.0,>0.9", "<2.0a2,>=1.0",
    ">1.7", "<1.7", ">1.7.post1", "<1.7rc1", ">=1.0,", ">=1.0,,<2", "==1.0.*",
    "==1.*.0", "< 2.0", "==  1.0", ">=1.0 ,<2.0", ">=1.0, <2.0 ,", ">=1.5a1,<2",
]
VERSIONS = [
    "1.0", "1.0.0", "1.0+local", "1.0+other", "1.0.post1", "1.0-post1",
    "1.0.post1+local", "1.1+local", "1.7", "1.7.post1", "1.7.post2", "1.7+local",
    "1.7rc1", "1.7.dev0", "1.7a1", "1.8+x", "2.0a1", "2.0a2", "2.0a3", "2.0",
    "2.0.dev1", "2.0+local", "1.4", "1.4.5", "1.5", "2.0.post1", "0.9", "1.9.9",
    "1.5a1", "1.0+LOCAL", "FooBar", "foobar",
]


def valid(v):
    try:
        Version(v)
    except InvalidVersion:
        return False
    return True


def main():
    out = {"packaging": packaging.__version__, "specs": []}
    versions = [v for v in VERSIONS if valid(v)]
    for s in SPECS:
        # As written after a name in a requirement (pyverify parses
        # specifiers there): a SpecifierSet alone also skips empty clauses.
        try:
            ss = Requirement("x" + s).specifier
        except InvalidRequirement:
            out["specs"].append({"spec": s, "invalid": True})
            continue
        # pip's finder: filter with prereleases=None, then the newest.
        matched = list(ss.filter(versions))
        newest = max(matched, key=Version) if matched else ""
        out["specs"].append({
            "spec": s,
            "contains": {v: ss.contains(v, prereleases=True) for v in VERSIONS},
            "newest": newest,
            "newest_of_finals": max(
                (v for v in ss.filter([v for v in versions if not Version(v).is_prerelease])),
                key=Version, default=""),
        })
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
