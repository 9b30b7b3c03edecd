"""Write a random differential corpus from pypa/packaging 26.3.

    python testdata/gendiff.py OUTDIR [SEED] [COUNT]
    PEP440_DIFF_DIR=OUTDIR go test -run Differential ./internal/pep440/

Writes OUTDIR/parse.jsonl, compare.jsonl and specs.jsonl: random and mutated
version strings, version pairs, and specifier sets with the answers packaging
gives. differential_test.go checks them when PEP440_DIFF_DIR is set. Numbers
that do not fit in an int64 are left out (a documented deviation).
"""

import json
import os
import random
import sys

import packaging
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

assert packaging.__version__ == "26.3", packaging.__version__

R = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 50000
SEPS = ["", ".", "-", "_"]
# Mutations draw from the grammar's characters plus look-alikes that Python
# folds or treats as whitespace (long s, dotless i, Kelvin sign, ideographic space).
ALPHABET = "0123456789.-_+!vVaAbBcCrRpPeEdDtTlLhHiIwWsSoOxX *\u017f\u0131\u0130\u212a\u3000\u00e9;),"


def rcase(w):
    return "".join(c.upper() if R.random() < 0.2 else c for c in w)


def num():
    r = R.random()
    if r < 0.5:
        return str(R.randint(0, 3))
    if r < 0.7:
        return "0" * R.randint(1, 2) + str(R.randint(0, 12))
    return str(R.randint(0, 30))


def opt_num():
    return num() if R.random() < 0.8 else ""


def gen_version():
    s = ""
    if R.random() < 0.1:
        s += R.choice([" ", "\t", "\u3000", "\xa0", "\n"])
    if R.random() < 0.1:
        s += R.choice("vV")
    if R.random() < 0.15:
        s += num() + "!"
    s += ".".join(num() for _ in range(R.choice([1, 1, 2, 2, 2, 3, 3, 4, 5])))
    if R.random() < 0.35:
        label = R.choice(["a", "b", "c", "rc", "alpha", "beta", "pre", "preview"])
        s += R.choice(SEPS) + rcase(label) + R.choice(SEPS) + opt_num()
    if R.random() < 0.3:
        if R.random() < 0.3:
            s += "-" + num()
        else:
            s += R.choice(SEPS) + rcase(R.choice(["post", "rev", "r"])) + R.choice(SEPS) + opt_num()
    if R.random() < 0.3:
        s += R.choice(SEPS) + rcase("dev") + R.choice(SEPS) + opt_num()
    if R.random() < 0.2:
        labels = ["abc", "ubuntu", "1", "007", "g1a2b3", "X", "0", str(R.randint(0, 10**25))]
        parts = [R.choice(labels) for _ in range(R.randint(1, 3))]
        s += "+" + "".join(p + R.choice("._-") for p in parts[:-1]) + parts[-1]
    if R.random() < 0.1:
        s += R.choice([" ", "\t", "\u2003"])
    return s


def mutate(s):
    s = list(s)
    for _ in range(R.randint(1, 3)):
        r = R.random()
        i = R.randint(0, len(s))
        if r < 0.4:
            s.insert(i, R.choice(ALPHABET))
        elif s:
            j = min(i, len(s) - 1)
            if r < 0.7:
                del s[j]
            else:
                s[j] = R.choice(ALPHABET)
    return "".join(s)


def parse(s):
    try:
        return Version(s)
    except (InvalidVersion, ValueError):
        return None


def fits(v):
    return max(v.epoch, *v.release, v.post or 0, v.dev or 0, (v.pre or ("", 0))[1]) < 2**63


def valid_pool(n):
    pool = []
    while len(pool) < n:
        s = gen_version()
        v = parse(s)
        if v is not None and fits(v):
            pool.append(s.strip())
    return pool


OPS = ["==", "!=", "<=", ">=", "<", ">", "~=", "==="] * 4 + ["=", "=>", "~", "====", "!==", ""]


def gen_spec():
    v = gen_version().strip()
    r = R.random()
    if r < 0.15:
        v = ".".join(num() for _ in range(R.randint(1, 3))) + ".*"
    elif r < 0.2:
        v += ".*"
    s = R.choice(["", " "]) + R.choice(OPS) + R.choice(["", " ", "  "]) + v + R.choice(["", " "])
    return mutate(s) if R.random() < 0.15 else s


def write_parse(out):
    for _ in range(COUNT):
        s = gen_version()
        if R.random() < 0.3:
            s = mutate(s)
        v = parse(s)
        if v is None:
            rec = {"s": s, "ok": False}
        elif not fits(v):
            continue
        else:
            rec = {"s": s, "ok": True, "str": str(v), "epoch": v.epoch, "release": list(v.release),
                   "pre": v.is_prerelease, "post": v.is_postrelease, "dev": v.is_devrelease,
                   "local": v.local or "", "public": v.public, "base": v.base_version}
        out.write(json.dumps(rec) + "\n")


def write_compare(out):
    pool = valid_pool(2000)
    for _ in range(COUNT):
        a, b = R.choice(pool), R.choice(pool)
        va, vb = Version(a), Version(b)
        out.write(json.dumps({"a": a, "b": b, "c": (va > vb) - (va < vb)}) + "\n")


def near(specs):
    """Versions next to each clause's own version, where the edge cases live."""
    out = []
    for op, ver in specs:
        base = parse(ver.removesuffix(".*"))
        if base is None:
            if op == "===":
                out.append(ver)
            continue
        for suffix in ["", ".post1", ".dev0", "a1", "+loc", ".0", ".1", "rc1.post1"]:
            v = parse(str(base) + suffix)
            if v is not None and fits(v):
                out.append(str(base) + suffix)
    return out


def write_specs(out):
    pool = valid_pool(400)
    modes = (None, True, False)
    for _ in range(COUNT):
        items = [gen_spec() for _ in range(R.choice([1, 1, 1, 2, 2, 3, 4]))]
        if R.random() < 0.05:
            items.insert(R.randint(0, len(items)), "")
        text = ",".join(items)
        try:
            ss = SpecifierSet(text)
            # Read the clauses before str(), which reorders them in place.
            specs = [(sp.operator, sp.version) for sp in ss]
            rec = {"s": text, "ok": True, "specs": specs, "spre": [bool(sp.prereleases) for sp in ss],
                   "str": str(ss), "pre": bool(ss.prereleases)}
            vs = [x for x in R.sample(pool, 12) + near(specs) if parse(x) is not None]
            rec["vs"] = vs
            rec["c"] = [[ss.contains(Version(x), prereleases=p) for p in modes] for x in vs]
            rec["sc"] = [[[Specifier(op + ver).contains(Version(x), prereleases=p) for p in modes] for x in vs]
                         for op, ver in specs]
            rec["f"] = [[str(x) for x in ss.filter(map(Version, vs), prereleases=p)] for p in modes]
        except InvalidSpecifier:
            rec = {"s": text, "ok": False}
        except (AssertionError, InvalidVersion):
            # packaging accepted the text but cannot evaluate it (a ~= clause
            # with a Unicode-folded letter); we reject such text at parse time.
            rec = {"s": text, "ok": False}
        out.write(json.dumps(rec) + "\n")


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, fn in (("parse.jsonl", write_parse), ("compare.jsonl", write_compare), ("specs.jsonl", write_specs)):
        with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
            fn(f)


if __name__ == "__main__":
    main()
