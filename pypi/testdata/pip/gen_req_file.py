"""Regenerate req_file.json from pip's own requirements-file parser.

    PYTHONPATH=/path/to/pip/src python3 gen_req_file.py > req_file.json

For each file content below: whether pip reads it (parse_requirements and
install_req_from_parsed_requirement, as `pip install -r` does) and, if so,
the line of every requirement pip reads. TestParseRequirementsAgainstPip
replays it.
"""
import base64
import json
import os
import sys
import tempfile

import pip
from pip._internal.network.session import PipSession
from pip._internal.req.constructors import install_req_from_parsed_requirement
from pip._internal.req.req_file import parse_requirements

H = "27dd8ed44a83ff94d557f9fd0412ed5a8cbca69ea04922d88c01184a07300a5a"

CASES = [
    b"foo==1.0\n",
    b"foo==1.0\nbar>=2,<3 ; python_version >= '3.8'\n",
    b"# comment\n\nfoo==1.0  # trailing comment\n",
    b"foo==1.0 \\\n    --hash=sha256:" + H.encode() + b"\n",
    b"foo==1.0 --hash=sha384:" + b"a" * 96 + b"\n",
    b"foo==1.0 --hash=sha512:" + b"b" * 128 + b"\n",
    b"foo==1.0 --hash=SHA256:" + H.encode() + b"\n",
    b"foo==1.0 --hash=md5:" + b"c" * 32 + b"\n",
    b"foo==1.0 --hash sha256:" + H.encode() + b"\n",
    b"foo==1.0\t--hash=sha256:" + H.encode() + b"\n",
    b"foo==1.0 \t--hash=sha256:" + H.encode() + b"\n",
    b"--hash=sha256:" + H.encode() + b"\n",
    b"--only-binary=:all:\n--prefer-binary\n--no-binary :none:\n--pre\nfoo==1\n",
    b"--only-final=:all:\n--all-releases=foo\n--no-require-hashes\nfoo==1\n",
    b"--require-hashes\n--no-index\n--find-links ./wheels\n-f https://x/links\nfoo==1\n",
    b"--trusted-host example.com\n--use-feature=truststore\nfoo==1\n",
    b"--extra-index-url=\nfoo==1\n",
    b"--extra-index-url https://x/simple\n-i https://y/simple\nfoo==1\n",
    b"--extra-index https://abbrev/simple\nfoo==1\n",
    b"--no-such-option\nfoo==1\n",
    b"--pre=yes\n",
    b"--only-binary=all http://example.com/x-1.0.zip#egg=x\nfoo==1\n",
    b"--pre foo==1.0\nbar==2\n",
    "# -*- coding: latin-1 -*-\nfoo==1.0 # caf\u00e9\n".encode("latin-1"),
    "#!/x\n# vim: set fileencoding=latin-1 :\nfoo==1.0 # caf\u00e9\n".encode("latin-1"),
    b"\xef\xbb\xbffoo==1.0\n",
    "foo==1.0\nbar==2.0\n".encode("utf-16"),
    b"foo==1.0\rbar==2.0\r",
    b"foo==1.0\r\nbar==2.0\r\n",
    b"foo==1.0\x0cbar==2.0\x0bbaz==3\n",
    b"foo==1.0; python_version >= 3.9\n",
    b"foo==1.0; pyversion >= '3.9'\n",
    b"foo==1.0; python_version >= '3.9' and\n",
    b"foo==1.0 ; os_name == 'nt' or (sys_platform == 'linux' and platform_machine == 'x86_64')\n",
    b"foo ;\n",
    b"foo>=1.0,\n",
    b"foo>=1.0,,<2\n",
    b"foo (>=1.0, <2)\n",
    b"foo[bar,baz]==1.0\n",
    b"foo[bar\n",
    b"requests 2.0\n",
    b"foo @ https://example.com/foo-1.0.tar.gz\n",
    b"foo @ https://example.com/foo-1.0.tar.gz ; python_version > '3'\n",
    b"https://example.com/x-1.0.zip ; python_version > '3'\n",
    b"git+https://github.com/x/y#egg=y\n",
    b"-e git+https://github.com/x/y#egg=y\n",
    b"pkg-1.0-py3-none-any.whl\n",
    b"foo==1.0 \\\nbar==2.0\n",
    b"foo==1.0 \\\n# comment\nbar==2.0\n",
    b"-r\n",
    b"--\n",
    b"--index-url 'unterminated\n",
    b"--e x\n",
    b"foo===1.0-post1\n",
    b"foo==1.0.*\n",
    b"foo~=1\n",
    b"Foo.Bar_baz==1\n",
]


def run(content):
    d = tempfile.mkdtemp()
    p = os.path.join(d, "r.txt")
    with open(p, "wb") as f:
        f.write(content)
    lines = []
    try:
        for pr in parse_requirements(p, PipSession()):
            install_req_from_parsed_requirement(pr)
            lines.append(int(pr.comes_from.rsplit("line ", 1)[1].rstrip(")")))
    except BaseException:  # noqa: BLE001 - optparse exits on some errors
        return {"ok": False}
    return {"ok": True, "lines": lines}


def main():
    out = {"pip": pip.__version__, "cases": []}
    for c in CASES:
        out["cases"].append(dict(run(c), content=base64.b64encode(c).decode(), text=c.decode("latin-1")))
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
