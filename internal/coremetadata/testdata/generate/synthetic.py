"""Regenerate synthetic_table_test.go (packaging 26.3).

    /tmp/pyref/bin/python testdata/generate/synthetic.py | gofmt > synthetic_table_test.go

For each hand-made metadata file below, records:
  packaging: packaging.metadata.parse_email(data) as [raw, unparsed], raw
      reduced to the fields coremetadata.Metadata exposes;
  want: the fields as Parse documents reading them (see expected.py), or
      the error Parse must return when Name or Version is missing or blank.
Unless a case is marked as a deviation, the script asserts that want agrees
with every field parse_email put in raw.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from expected import MULTI, SINGLE, first_values  # noqa: E402
from packaging.metadata import parse_email  # noqa: E402

BASE = b"Metadata-Version: 2.1\nName: oslo.config\nVersion: 9.2.0\n"
FULL = (
    b"Metadata-Version: 2.1\n"
    b"Name: keystoneauth1\n"
    b"Version: 5.3.0\n"
    b"Summary: Authentication Library for OpenStack Identity\n"
    b"Home-page: https://docs.openstack.org/keystoneauth/latest/\n"
    b"Author: OpenStack\n"
    b"Author-email: openstack-discuss@lists.openstack.org\n"
    b"License: Apache License, Version 2.0\n"
    b"Classifier: Environment :: OpenStack\n"
    b"Classifier: License :: OSI Approved :: Apache Software License\n"
    b"Classifier: Programming Language :: Python :: 3\n"
    b"Requires-Python: >=3.8\n"
    b"Provides-Extra: betamax\n"
    b"Provides-Extra: kerberos\n"
    b"Requires-Dist: pbr (>=2.0.0)\n"
    b"Requires-Dist: iso8601 (>=0.1.11)\n"
    b'Requires-Dist: requests-kerberos (>=0.8.0) ; extra == \'kerberos\'\n'
    b"Requires-Dist: betamax>=0.7.0; extra == \"betamax\"\n"
    b"\n"
    b"Team and repository tags\n"
    b"========================\n"
    b"\n"
    b"keystoneauth provides a standard way to do authentication.\n"
)

CASES = [
    ("minimal", BASE, None),
    ("full", FULL, None),
    ("full CRLF", FULL.replace(b"\n", b"\r\n"), None),
    ("full CR", FULL.replace(b"\n", b"\r"), None),
    ("full no final newline", FULL.rstrip(b"\n"), None),
    ("headers only no final newline", BASE.rstrip(b"\n"), None),
    ("mixed line endings", b"Metadata-Version: 2.1\r\nName: a\rVersion: 1\nSummary: s\r\n\r\nbody\rline\n", None),
    ("CR CR LF", b"Name: a\r\r\nVersion: 1\r\r\n\r\r\nbody\r\r\n", None),
    ("blank line then body", BASE + b"\nbody\n", None),
    ("blank CRLF separator", BASE + b"\r\nbody\r\n", None),
    ("body keeps leading blank lines", BASE + b"\n\n\n  indented\n", None),
    ("body only whitespace", BASE + b"\n \n", None),
    ("body with trailing spaces", BASE + b"\nbody   \n\n", None),
    ("two blank lines", BASE + b"\n\n", None),
    ("body looks like headers", BASE + b"\nRequires-Dist: not-a-header\n", None),
    ("case-insensitive names", b"name: a\nVERSION: 1\nrequires-dist: x\nREQUIRES-DIST: y\nclassifier: C :: D\nlicense-file: LICENSE\nLICENSE-EXPRESSION: MIT\nrequires-python: >=3\nprovides-extra: e\nmetadata-version: 2.4\nsummary: s\n", None),
    ("no space after colon", b"Name:a\nVersion:1\nSummary:s\n", None),
    ("tab after colon", b"Name:\ta\nVersion: \t 1\n", None),
    ("trailing spaces kept", b"Name: a  \nVersion: 1\t\nSummary: s \n", None),
    ("empty summary", BASE + b"Summary:\n", None),
    ("empty license then continuation", BASE + b"License:\n  MIT\n", None),
    ("license continuation spaces", BASE + b"License: Copyright (c) 2010\n        All rights reserved.\n        \n        Redistribution and use ...\n", None),
    ("license continuation tabs", BASE + b"License: BSD\n\tsecond line\n\t\n", None),
    ("license continuation CRLF", (BASE + b"License: a\n  b\n  c\n").replace(b"\n", b"\r\n"), None),
    ("license unindented continuation ends headers", BASE + b"License: MIT\nAll rights reserved.\nClassifier: License :: OSI Approved :: MIT License\n", None),
    ("continuation then whitespace-only line", BASE + b"Summary: s\n   \nRequires-Dist: x\n", None),
    ("leading continuation line ignored", b"  stray\nName: a\nVersion: 1\n", None),
    ("unix from first line", b"From nobody Mon Jan  1 00:00:00 2024\nName: a\nVersion: 1\n", None),
    ("unix from then continuation", b"From x\n  cont\nName: a\nVersion: 1\n", None),
    ("From line in middle dropped", b"Name: a\nFrom somewhere\nVersion: 1\nSummary: s\n", None),
    ("From line last goes to body", b"Name: a\nVersion: 1\nFrom here\n\nbody\n", None),
    ("From line last no body", b"Name: a\nVersion: 1\nFrom here\n", None),
    ("From colon is a header", b"Name: a\nVersion: 1\nFrom: someone\n", None),
    ("missing header name dropped", b"Name: a\n: orphan\nVersion: 1\n", None),
    ("missing header name with continuation", b"Name: a\n: orphan\n  more\nVersion: 1\n", None),
    ("space in name ends headers", b"Name: a\nVersion: 1\nBad Name: x\nSummary: s\n", None),
    ("non-ascii name ends headers", b"Name: a\nVersion: 1\nN\xc3\xa4me: x\nSummary: s\n", None),
    ("DEL in name ends headers", b"Name: a\nVersion: 1\nX\x7fY: x\n", None),
    ("colon-only line", b"Name: a\nVersion: 1\n:\n", None),
    ("name with punctuation", b"Name: a\nVersion: 1\nX-Weird_Name.1!: v\n", None),
    ("unknown fields kept", BASE + b"X-Custom: 1\nHome-page: https://example.org\nAuthor: Someone\nProject-URL: Source, https://opendev.org/openstack/oslo.config\nKeywords: a,b\nDynamic: Requires-Dist\nPlatform: UNKNOWN\n", None),
    ("value with colons", BASE + b"Project-URL: Homepage, https://example.org:8080/x\nSummary: a: b: c\n", None),
    ("utf-8 values", BASE + "Author: José Müller\nSummary: ✓ emoji 🐍\n".encode(), None),
    ("utf-8 body", BASE + "\nDescription with é and 🐍\n".encode(), None),
    ("utf-8 multi-line author", BASE + "Author: é\n é x\n".encode(), None),
    ("encoded word kept", BASE + b"Author: =?utf-8?q?Jos=C3=A9?=\n", None),
    ("encoded word with utf-8", BASE + "Author: =?utf-8?q?Jos=C3=A9?= é\n".encode(), None),
    ("NUL in value", BASE + b"Summary: a\x00b\n", None),
    ("VT and FF are not line breaks", BASE + b"Summary: a\x0bb\x0cc\n", None),
    ("NEL and LS are not line breaks", BASE + "Summary: a\u0085b\u2028c\n".encode(), None),
    ("long line", BASE + b"Summary: " + b"x" * 10000 + b"\n", None),
    ("1.0 description header", b"Metadata-Version: 1.0\nName: Django\nVersion: 1.4\nSummary: A high-level Python Web framework\nHome-page: http://www.djangoproject.com/\nAuthor: Django Software Foundation\nLicense: UNKNOWN\nDescription: UNKNOWN\nPlatform: UNKNOWN\n", None),
    ("1.1 description with pipes", b"Metadata-Version: 1.1\nName: oslo.config\nVersion: 1.2.1\nDescription: Oslo Configuration API\n        ======================\n        |\n        |The Oslo configuration API\nPlatform: UNKNOWN\nClassifier: Development Status :: 4 - Beta\n", None),
    ("description header and body", BASE + b"Description: header text\n\nbody text\n", None),
    ("description header twice", BASE + b"Description: one\nDescription: two\n", None),
    ("description header twice and body", BASE + b"Description: one\nDescription: two\n\nbody\n", None),
    ("description header empty body empty", BASE + b"Description: d\n\n", None),
    ("duplicate summary", BASE + b"Summary: first\nSummary: second\n", None),
    ("duplicate name", b"Name: first\nName: second\nVersion: 1\n", None),
    ("duplicate version", b"Name: a\nVersion: 1\nVersion: 2\n", None),
    ("duplicate requires-python", BASE + b"Requires-Python: >=3.8\nRequires-Python: >=3.9\n", None),
    ("duplicate license", BASE + b"License: MIT\nLicense: BSD\n", None),
    ("duplicate metadata-version", b"Metadata-Version: 2.1\nMetadata-Version: 2.2\nName: a\nVersion: 1\n", None),
    ("duplicate license-expression", BASE + b"License-Expression: MIT\nLicense-Expression: BSD-3-Clause\n", None),
    ("requires-dist continuation", BASE + b"Requires-Dist: foo\n  >=1.0\n", None),
    ("requires-dist value on next line", BASE + b"Requires-Dist:\n  foo>=1\n", None),
    ("requires-dist markers and extras", BASE + b'Requires-Dist: cryptography[ssh]>=41.0.4; python_version >= "3.7" and platform_machine != "s390x"\nRequires-Dist: importlib-metadata>=1.7.0; python_version < "3.8"\nRequires-Dist: oslo.i18n >=3.15.3\nRequires-Dist: PyYAML >=5.1\n', None),
    ("requires-dist empty", BASE + b"Requires-Dist:\nRequires-Dist: x\n", None),
    ("provides-extra many", BASE + b"Provides-Extra: test\nProvides-Extra: Docs\nProvides-Extra: test\n", None),
    ("metadata 2.4 license", b"Metadata-Version: 2.4\nName: attrs\nVersion: 25.1.0\nLicense-Expression: MIT\nLicense-File: LICENSE\nLicense-File: licenses/THIRD_PARTY.txt\n", None),
    ("license-expression and license", BASE + b"License-Expression: Apache-2.0 OR MIT\nLicense: Apache 2.0\n", None),
    ("classifiers in order", BASE + b"Classifier: Programming Language :: Python :: 3\nClassifier: License :: OSI Approved :: BSD License\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Operating System :: POSIX :: Linux\n", None),
    ("invalid utf-8 in author", BASE + b"Author: bad \xe9 latin\n", None),
    ("invalid utf-8 in summary", BASE + b"Summary: caf\xe9\n", None),
    ("invalid utf-8 in license", BASE + b"License: \xa9 2010 Someone\n", None),
    ("invalid utf-8 in body", BASE + b"\nbody caf\xe9 and \xff\xfe\n", None),
    ("invalid utf-8 in name", b"Name: caf\xe9\nVersion: 1\n", None),
    ("invalid utf-8 in requires-dist", BASE + b"Requires-Dist: foo\xff\nRequires-Dist: bar\n", None),
    ("truncated 3-byte sequence", BASE + b"Summary: a\xe2\x82b\n", None),
    ("truncated 4-byte sequence", BASE + b"Summary: a\xf0\x9f\x98\n", None),
    ("encoded surrogate", BASE + b"Summary: a\xed\xa0\x80b\n", None),
    ("overlong slash", BASE + b"Summary: a\xc0\xafb\n", None),
    ("beyond U+10FFFF", BASE + b"Summary: a\xf4\x90\x80\x80b\n", None),
    ("lone continuation bytes", BASE + b"Summary: \x80\x80\xbf\n", None),
    ("E0 with low second byte", BASE + b"Summary: \xe0\x80\x80\n", None),
    ("F0 then ASCII", BASE + b"Summary: \xf0\x9fx\n", None),
    ("invalid byte at end of file", BASE + b"Summary: x\xc3", None),
    ("latin-1 file", "Metadata-Version: 1.1\nName: zope.interface\nVersion: 3.5\nAuthor: Jürgen\n\nBody © é\n".encode("latin-1"), None),
    ("utf-16 file", "Name: a\nVersion: 1\n".encode("utf-16"), None),
    ("BOM makes everything body", b"\xef\xbb\xbfMetadata-Version: 2.1\nName: a\nVersion: 1\n", None),
    ("missing name", b"Metadata-Version: 2.1\nVersion: 1.0\n", None),
    ("missing version", b"Metadata-Version: 2.1\nName: a\n", None),
    ("missing both", b"Metadata-Version: 2.1\nSummary: s\n", None),
    ("empty file", b"", None),
    ("only newline", b"\n", None),
    ("only body", b"\nName: a\nVersion: 1\n", None),
    ("blank name", b"Name:   \nVersion: 1\n", None),
    ("blank version", b"Name: a\nVersion:\n", None),
    ("name on continuation", b"Name:\n  a\nVersion: 1\n", None),
    ("first name blank second set", b"Name:\nName: a\nVersion: 1\n", None),
    ("garbage", b"\x00\x01\x02 not metadata at all", None),
    ("binary after headers", BASE + b"\n\x00\x01\x02\xff", None),
    ("content-transfer-encoding base64", BASE + b"Content-Transfer-Encoding: base64\n\naGVsbG8=\n",
     "MIME headers are not interpreted: the body stays as stored"),
    ("content-transfer-encoding quoted-printable", BASE + b"Content-Transfer-Encoding: quoted-printable\n\nh=C3=A9llo\n",
     "MIME headers are not interpreted: the body stays as stored"),
    ("content-type multipart", BASE + b"Content-Type: multipart/mixed; boundary=XX\n\n--XX\n\nhello\n--XX--\n",
     "MIME headers are not interpreted: the body stays as stored"),
]


def go_quote(s):
    """A Go interpreted string literal for the str s."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        elif c <= 0xFFFF:
            out.append(f"\\u{c:04x}")
        else:
            out.append(f"\\U{c:08x}")
    out.append('"')
    return "".join(out)


def go_bytes(b):
    out = ['"']
    for c in b:
        ch = chr(c)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{c:02x}")
    out.append('"')
    return "".join(out)


def main():
    print("// Code generated by testdata/generate/synthetic.py with packaging 26.3; DO NOT EDIT.")
    print()
    print("package coremetadata")
    print()
    print("// syntheticCases: packaging is parse_email(in) as [raw, unparsed] JSON; want is")
    print("// the fields as Parse reads them (first value of repeated single-use headers,")
    print("// U+FFFD for bad UTF-8), or err when Name or Version is missing or blank.")
    print("var syntheticCases = []syntheticCase{")
    names = set()
    for name, data, deviation in CASES:
        assert name not in names, name
        names.add(name)
        raw, unparsed = parse_email(data)
        keep = set(SINGLE) | set(MULTI) | {"description"}
        raw = {k: v for k, v in raw.items() if k in keep}
        unparsed = {k: [v if isinstance(v, str) else repr(v) for v in vs] for k, vs in unparsed.items()}
        first = first_values(data)
        if deviation is None:
            for key, value in raw.items():
                assert first.get(key) == value, (name, key, value, first.get(key))
        err = not first.get("name", "").strip() or not first.get("version", "").strip()
        packaging = json.dumps([raw, unparsed], ensure_ascii=False, sort_keys=True)
        want = json.dumps(first, ensure_ascii=False, sort_keys=True)
        print(f"\t{{name: {go_quote(name)}, in: {go_bytes(data)},")
        if deviation:
            print(f"\t\tdeviation: {go_quote(deviation)},")
        if err:
            print("\t\terr: true,")
        print(f"\t\tpackaging: {go_quote(packaging)},")
        print(f"\t\twant: {go_quote(want)}}},")
    print("}")


if __name__ == "__main__":
    main()
