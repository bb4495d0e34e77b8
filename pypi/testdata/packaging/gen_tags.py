"""Regenerate tags.json: the ordered compatible tag list of a target.

    PYTHONPATH=/path/to/packaging/src:/path/to/pip/src python3 gen_tags.py > tags.json

TestTargetTagsAgainstPackaging replays it. For each target, "tags" is what
pip download --python-version/--platform/--implementation/--abi accepts
(pip's compatibility_tags.get_supported, built on packaging.tags
cpython_tags/generic_tags + compatible_tags), with one deliberate widening
that pyverify makes: a manylinux or musllinux platform stands for a system
with that libc, so it expands to the ladder packaging.tags.sys_tags yields
on such a system (packaging's own _manylinux/_musllinux.platform_tags with
the libc version mocked), where pip download takes the tag literally.
"pip" records pip's own get_supported answer, equal to "tags" for every
target whose platforms have no ladder.

Defaults that pip takes from the running interpreter are fixed here, as a
target has no interpreter: a release (non-debug, GIL) CPython build, and
no ABI but "none" for other implementations.
"""
import json
import sys

import packaging
import pip
from packaging import _manylinux, _musllinux, tags
from pip._internal.utils import compatibility_tags

TARGETS = [
    {"python_version": "3.12", "platforms": ["manylinux_2_28_x86_64"]},
    {"python_version": "3.12.4", "platforms": ["manylinux_2_17_aarch64"]},
    {"python_version": "3.11", "platforms": ["manylinux2014_x86_64"]},
    {"python_version": "3.9", "platforms": ["musllinux_1_2_x86_64"]},
    {"python_version": "3.12", "platforms": ["macosx_14_0_arm64"]},
    {"python_version": "3.10", "platforms": ["macosx_10_9_x86_64"]},
    {"python_version": "3.8", "platforms": ["macosx_11_0_x86_64"]},
    {"python_version": "3.13", "platforms": ["win_amd64"]},
    {"python_version": "3.7", "platforms": ["win32"]},
    {"python_version": "3.12", "platforms": ["any"]},
    {"python_version": "3.12", "platforms": ["linux_x86_64"]},
    {"python_version": "3.13", "platforms": ["manylinux_2_28_x86_64"], "abis": ["cp313t"]},
    {"python_version": "3.12", "platforms": ["win_amd64", "manylinux_2_17_x86_64"]},
    {"python_version": "3.12", "platforms": ["manylinux_2_28_x86_64"], "abis": ["abi3", "none"]},
    {"python_version": "3.10", "platforms": ["manylinux_2_31_x86_64"], "implementation": "pp", "abis": ["pypy310_pp73"]},
    {"python_version": "3.9", "platforms": ["linux_x86_64"], "implementation": "py"},
    {"python_version": "3.2", "platforms": ["win32"]},
]


def ladder(platform):
    """The platforms sys_tags yields on a system that the tag names."""
    for prefix, module, attr in (("manylinux_", _manylinux, "_get_glibc_version"),
                                 ("musllinux_", _musllinux, "_get_musl_version")):
        if platform.startswith(prefix):
            major, minor, arch = platform[len(prefix):].split("_", 2)
            version = (int(major), int(minor))
            break
    else:
        legacy = {"manylinux2014": (2, 17), "manylinux2010": (2, 12), "manylinux1": (2, 5)}
        name, _, arch = platform.partition("_")
        if name not in legacy:
            return None
        prefix, module, attr, version = "manylinux_", _manylinux, "_get_glibc_version", legacy[name]
    saved = getattr(module, attr), getattr(module, "_have_compatible_abi", None)
    if module is _manylinux:
        module._get_glibc_version = lambda: version
        module._have_compatible_abi = lambda *a: True
    else:
        module._get_musl_version = lambda _exe: _musllinux._MuslVersion(*version)
    try:
        return list(module.platform_tags([arch]))
    finally:
        setattr(module, attr, saved[0])
        if saved[1] is not None:
            module._have_compatible_abi = saved[1]


def expand(platforms):
    out = []
    for p in platforms:
        lad = ladder(p)
        for c in lad if lad is not None else compatibility_tags._get_custom_platforms(p):
            if c not in out:
                out.append(c)
    return out


def main():
    cases = []
    for t in TARGETS:
        impl = t.get("implementation", "cp")
        nodot = "".join(t["python_version"].split(".")[:2])
        abis = t.get("abis", None if impl == "cp" else [])
        version = tuple(int(x) for x in t["python_version"].split(".")[:2])
        interpreter = f"{impl}{nodot}"
        plats = expand(t["platforms"])
        if impl == "cp":
            got = list(tags.cpython_tags(python_version=version, abis=abis, platforms=plats))
        else:
            got = list(tags.generic_tags(interpreter=interpreter, abis=abis, platforms=plats))
        got += list(tags.compatible_tags(python_version=version, interpreter=interpreter, platforms=plats))
        pip_tags = compatibility_tags.get_supported(version=nodot, platforms=t["platforms"], impl=impl, abis=abis)
        cases.append({**t, "tags": [str(x) for x in got], "pip": [str(x) for x in pip_tags]})
    json.dump({"generator": f"packaging {packaging.__version__}, pip {pip.__version__}, python {sys.version.split()[0]}",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
