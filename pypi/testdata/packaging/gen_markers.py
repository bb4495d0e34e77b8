"""Regenerate markers.json from the real packaging library.

    PYTHONPATH=/path/to/packaging/src python3 gen_markers.py > markers.json

TestMarkersAgainstPackaging replays it: for each marker, whether packaging
parses it, and its value in each environment below ("error" where
packaging parses it but cannot evaluate it, which pyverify refuses when
parsing, since pip then fails on every target).
"""
import json
import sys

import packaging
from packaging.markers import InvalidMarker, Marker

ENVIRONMENTS = {
    "linux-cp312": {
        "implementation_name": "cpython", "implementation_version": "3.12.4",
        "os_name": "posix", "platform_machine": "x86_64",
        "platform_release": "6.8.0-45-generic", "platform_system": "Linux",
        "platform_version": "#45-Ubuntu SMP PREEMPT_DYNAMIC",
        "python_full_version": "3.12.4", "platform_python_implementation": "CPython",
        "python_version": "3.12", "sys_platform": "linux",
        "extra": "", "extras": ["security", "Socks_Proxy"], "dependency_groups": ["dev"],
    },
    "windows-cp38": {
        "implementation_name": "cpython", "implementation_version": "3.8.10",
        "os_name": "nt", "platform_machine": "AMD64", "platform_release": "10",
        "platform_system": "Windows", "platform_version": "10.0.19045",
        "python_full_version": "3.8.10", "platform_python_implementation": "CPython",
        "python_version": "3.8", "sys_platform": "win32",
        "extra": "Test_Extra", "extras": [], "dependency_groups": [],
    },
    "macos-pypy310": {
        "implementation_name": "pypy", "implementation_version": "7.3.16",
        "os_name": "posix", "platform_machine": "arm64", "platform_release": "23.5.0",
        "platform_system": "Darwin", "platform_version": "Darwin Kernel Version 23.5.0",
        "python_full_version": "3.10.14", "platform_python_implementation": "PyPy",
        "python_version": "3.10", "sys_platform": "darwin",
        "extra": "security", "extras": ["docs"], "dependency_groups": ["Test.Group"],
    },
    "linux-cp313-prerelease": {
        "implementation_name": "cpython", "implementation_version": "3.13.0rc2",
        "os_name": "posix", "platform_machine": "aarch64", "platform_release": "5.15",
        "platform_system": "Linux", "platform_version": "#1 SMP",
        "python_full_version": "3.13.0rc2", "platform_python_implementation": "CPython",
        "python_version": "3.13", "sys_platform": "linux",
        "extra": "", "extras": [], "dependency_groups": [],
    },
}

MARKERS = [
    # Every variable, with each spelling packaging accepts.
    'python_version >= "3.9"', 'python_version < "3.10"', 'python_version == "3.8"',
    'python_version != "3.12"', 'python_version > "3.8"', 'python_version <= "3.10"',
    'python_version ~= "3.10"', 'python_version == "3.*"', 'python_version != "3.1*"',
    'python_version === "3.12"', 'python_version in "3.8 3.9 3.10"',
    'python_version not in "3.8 3.9"', '"3.9" < python_version', '"3.8" in python_version',
    'python_full_version >= "3.12.4"', 'python_full_version < "3.13"',
    'python_full_version >= "3.13.0rc1"', 'python_full_version == "3.12.*"',
    'os_name == "nt"', 'os.name == "posix"', 'sys_platform == "win32"',
    'sys.platform != "darwin"', 'sys_platform in "linux linux2"',
    'platform_machine == "x86_64"', 'platform.machine in "arm64 aarch64"',
    'platform_release >= "6"', 'platform_release == "10"', 'platform_release === "5.15"',
    'platform_release < "6"', 'platform_system == "Darwin"', 'platform_system != "Windows"',
    'platform_version == "10.0.19045"', 'platform.version in "#45-Ubuntu SMP PREEMPT_DYNAMIC"',
    'platform_python_implementation == "CPython"', 'platform.python_implementation == "PyPy"',
    'python_implementation == "CPython"', 'implementation_name == "pypy"',
    'implementation_version >= "3.12"', 'implementation_version < "7"',
    'implementation_version ~= "7.3.0"',
    'extra == "security"', 'extra == "Security"', 'extra == "test-extra"',
    'extra == "TEST.extra"', 'extra != "security"', '"security" == extra',
    '"security" in extras', '"socks-proxy" in extras', '"docs" not in extras',
    '"dev" in dependency_groups', '"test_group" in dependency_groups',
    # String comparisons and quoting.
    "os_name == 'posix'", 'os_name < "z"', 'os_name > "a"', 'os_name <= "posix"',
    'os_name >= "nt"', 'platform_machine == "x86_64" and sys_platform == "linux"',
    'sys_platform == "linux" or sys_platform == "darwin"',
    'python_version >= "3.9" and (sys_platform == "win32" or platform_machine == "arm64")',
    'sys_platform == "win32" or sys_platform == "linux" and python_version >= "3.13"',
    '(sys_platform == "win32" or sys_platform == "linux") and python_version >= "3.13"',
    'sys_platform == "darwin" and python_version < "3.11" or os_name == "nt"',
    '((os_name == "nt"))', ' os_name == "nt" ', 'os_name=="nt"or os_name=="posix"',
    'os_name\t==\t"posix"', "python_version>'3.9'and python_version<'3.13'",
    'os_name == "po\\x73ix"', "os_name == 'pos\\'ix'", 'platform_version == "#1 SMP"',
    'python_version == "3.12 "', 'python_version >= " 3.9"', 'python_version == "abc"',
    'python_version < "abc"', 'python_full_version != "3.8.10"',
    # Invalid.
    'python_version', 'python_version >= 3.9', 'python_version =! "3.9"',
    'python_version >= "3.9" and', 'python_version >= "3.9" xor os_name == "nt"',
    '(python_version >= "3.9"', 'python_version >= "3.9")', 'python_versions >= "3.9"',
    'python_version >= "3.9" andos_name == "nt"', 'os_name not  in "nt"',
    'os_name notin "nt"', 'os_name is "nt"', '"a" == "a"', 'os_name == sys_platform',
    'extras == "x"', '"x" == extras', '"x" < extras', 'os_name ~= "nt"',
    'os_name === "nt"', 'python_version ~= "3"', 'python_version === "3.12 3.13"',
    'os_name == "nt', "os_name == 'nt\\'", 'os_name == "\\N{LATIN SMALL LETTER A}"',
    '', '()', 'os_name == "nt" and ()', 'platform_system = "Linux"',
    'os_name in', 'not os_name == "nt"', 'os_name == "nt";',
]


def main():
    out = {"packaging": packaging.__version__, "environments": ENVIRONMENTS, "markers": []}
    for m in MARKERS:
        row = {"marker": m}
        try:
            marker = Marker(m)
        except InvalidMarker:
            row["invalid"] = True
            out["markers"].append(row)
            continue
        row["results"] = {}
        for name, env in ENVIRONMENTS.items():
            env = dict(env, extras=frozenset(env["extras"]),
                       dependency_groups=frozenset(env["dependency_groups"]))
            try:
                row["results"][name] = marker.evaluate(env, context="lock_file")
            except Exception:  # noqa: BLE001 - any failure counts
                row["results"][name] = "error"
        out["markers"].append(row)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
