"""Write <file>.json next to each metadata file in a directory (packaging 26.3).

    /tmp/pyref/bin/python testdata/generate/expected.py testdata/real

The files in testdata/real are real, unmodified metadata from PyPI, named
after the distribution they came from: <wheel>.METADATA is the wheel's
PEP 658 metadata file (the file URL + ".metadata"; the wheel's own
*.dist-info/METADATA where none was served), <sdist>.PKG-INFO is the
top-level PKG-INFO inside the sdist archive.

Each JSON object holds:
  parse_email: [raw, unparsed] = packaging.metadata.parse_email(file bytes),
      with raw reduced to the fields coremetadata.Metadata exposes;
  first: the fields, read the way pip reads metadata and Parse documents
      (email.parser.Parser().parsestr(bytes.decode("utf-8", "replace"),
      headersonly=True), compat32, so MIME headers do not reshape the body:
      the first value of single-use headers, get_all for multi-use ones, the
      body or else the Description header as description), that parse_email
      did not put in raw (duplicates, bad UTF-8, body plus header).
The script asserts that this reading agrees with parse_email's raw value for
every field parse_email could parse, so raw plus first is the whole answer.
"""

import email.parser
import json
import os
import sys

import packaging
from packaging.metadata import parse_email

assert packaging.__version__ == "26.3", packaging.__version__

SINGLE = {
    "metadata_version": "Metadata-Version", "name": "Name", "version": "Version",
    "summary": "Summary", "requires_python": "Requires-Python", "license": "License",
    "license_expression": "License-Expression",
}
MULTI = {
    "requires_dist": "Requires-Dist", "provides_extra": "Provides-Extra",
    "classifiers": "Classifier", "license_files": "License-File",
}


def first_values(data):
    msg = email.parser.Parser().parsestr(data.decode("utf-8", "replace"), headersonly=True)
    out = {}
    for key, header in SINGLE.items():
        value = msg.get(header)
        if value is not None:
            out[key] = value
    for key, header in MULTI.items():
        values = msg.get_all(header)
        if values:
            out[key] = values
    body = msg.get_payload()
    if body:
        out["description"] = body
    elif msg.get("Description") is not None:
        out["description"] = msg.get("Description")
    return out


def expected(data):
    raw, unparsed = parse_email(data)
    keep = set(SINGLE) | set(MULTI) | {"description"}
    raw = {k: v for k, v in raw.items() if k in keep}
    first = first_values(data)
    for key, value in raw.items():
        assert first.get(key) == value, (key, value, first.get(key))
    first = {k: v for k, v in first.items() if k not in raw}
    return {"parse_email": [raw, unparsed], "first": first}


def main(directory):
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            continue
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
        with open(os.path.join(directory, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(expected(data), f, indent=1, ensure_ascii=False, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
