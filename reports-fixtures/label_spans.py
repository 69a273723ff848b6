#!/usr/bin/env python3
"""Fill and verify the byte spans of hand-labelled facts files.

Usage:
    python3 label_spans.py [--check] [FILE.facts.toml | DIR ...]

Without arguments, every *.facts.toml next to this script is processed; a
directory argument stands for every *.facts.toml in it (e.g. `real real/held`).

For each [facts.<id>] table the quote is looked up in the report named by
[report].file (relative to the facts file).  The N-th occurrence is used when
the table has `occurrence = N` (1-based), the first otherwise.  The resulting
byte range [start, end) is compared with the table's `span`:

  * span missing            -> written into the file (after the quote line),
                               unless --check is given (then it is an error);
  * span present and equal  -> fine;
  * span present, different -> error (never silently overwritten).

It also checks that every fact id is in the catalogue (facts.md), that values
have the catalogue's type, that qualifiers are known, that [report].year agrees
with report_year, and finally that file_bytes[start:end].decode() == quote for
every fact.  Any problem makes the script exit with status 1.

Python 3.11+ (tomllib), standard library only.
"""
import re
import sys
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path

# The catalogue (facts.md): id -> type.
CATALOGUE = {
    "report_year": "year",
    "published_on": "date",
    "has_shortcomings": "flag",
    "has_next_year_plan": "flag",
    "first_responsible_duty": "flag",
    "officials_law_report": "flag",
    "pre_meeting_law_study_sessions": "count",
    "major_decision_catalog": "flag",
    "legal_adviser_full_coverage": "flag",
    "normative_docs_filed": "count",
    "normative_docs_filing_rate": "percent",
    "enforcement_three_systems": "flag",
    "enforcement_files_reviewed": "count",
    "enforcement_exam_pass_rate": "percent",
    "reconsideration_cases": "count",
    "reconsideration_concluded": "count",
    "reconsideration_correction_rate": "percent",
    "admin_litigation_cases": "count",
    "court_appearance_rate": "percent",
    "mediation_cases": "count",
    "mediation_success_rate": "percent",
    "legal_aid_cases": "count",
    "info_disclosed": "count",
    "disclosure_response_rate": "percent",
    "online_service_rate": "percent",
}
QUALIFIERS = {"at_least", "more_than", "about"}
ALLOWED_KEYS = {"value", "qualifier", "quote", "span", "occurrence"}

FULL_WIDTH = str.maketrans("０１２３４５６７８９．％萬億·", "0123456789.%万亿.")


def plain(text):
    """The quote as the value checks read it: half-width digits, simplified 万/亿, a middle dot
    as the decimal point, and no spaces or line breaks between digits (29 757, 99·5 9%)."""
    text = text.translate(FULL_WIDTH)
    return re.sub(r"(?<=[\d.])\s+(?=[\d.%])", "", text)


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, msg):
        self.items.append(f"{where}: {msg}")


def check_value(fid, ftype, value, quote, where, problems):
    if ftype == "flag":
        if value is not True:
            problems.add(where, f"flag value must be true, got {value!r}")
        return
    if not isinstance(value, str):
        problems.add(where, f"{ftype} value must be a string, got {value!r}")
        return
    if ftype == "year":
        if not re.fullmatch(r"(19|20)\d\d", value):
            problems.add(where, f"bad year {value!r}")
        elif value not in quote:
            problems.add(where, f"year {value} not in quote")
    elif ftype == "date":
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
        if not m:
            problems.add(where, f"bad date {value!r}")
            return
        y, mo, d = m.groups()
        q = plain(quote).replace("/", "-")
        if not (f"{y}-{mo}-{d}" in q or re.search(
                rf"{y}\s*年\s*0?{int(mo)}\s*月\s*0?{int(d)}\s*日", q)):
            problems.add(where, f"date {value} not visible in quote")
    elif ftype in ("percent", "count"):
        pat = r"\d+(\.\d+)?" if ftype == "percent" else r"\d+"
        if not re.fullmatch(pat, value) or (len(value) > 1 and value[0] == "0"
                                            and not value.startswith("0.")):
            problems.add(where, f"bad {ftype} {value!r}")
            return
        q = plain(quote)
        if ftype == "percent":
            if not re.search(rf"(?<![\d.]){re.escape(value)}(?![\d.])\s*%", q):
                problems.add(where, f"percent {value} not followed by % in quote")
        else:
            # Accept the number as written, or a 万/亿 form that scales to it.
            ok = re.search(rf"(?<![\d.]){re.escape(value)}(?![\d.])", q) is not None
            for m in re.finditer(r"(\d+(?:\.\d+)?)\s*([万亿])", q):
                try:
                    scaled = Decimal(m.group(1)) * (10000 if m.group(2) == "万" else 100000000)
                except InvalidOperation:
                    continue
                if scaled == Decimal(value):
                    ok = True
            if not ok:
                problems.add(where, f"count {value} not visible in quote")


def find_nth(haystack: bytes, needle: bytes, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = haystack.find(needle, pos + 1)
        if pos < 0:
            return -1
    return pos


def write_spans(path: Path, spans: dict):
    """Insert `span = [s, e]` after the quote line of the tables that lack one."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out, table = [], None
    for line in lines:
        m = re.match(r"\s*\[([^\]]+)\]\s*(#.*)?$", line)
        if m:
            table = m.group(1).strip()
        out.append(line)
        if table and table.startswith("facts.") and re.match(r"\s*quote\s*=", line):
            fid = table[len("facts."):]
            if fid in spans:
                s, e = spans.pop(fid)
                out.append(f"span = [{s}, {e}]\n")
    if spans:
        raise SystemExit(f"{path}: could not place spans for {sorted(spans)}")
    path.write_text("".join(out), encoding="utf-8")


def process(path: Path, check_only: bool, problems: Problems) -> int:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        problems.add(str(path), f"cannot read TOML: {e}")
        return 0
    rep = doc.get("report", {})
    # `year` is optional: a notice or a news page may state no year of coverage.
    for k in ("file", "issuer"):
        if k not in rep:
            problems.add(f"{path} [report]", f"missing {k}")
    if "file" not in rep:
        return 0
    report_path = path.parent / rep["file"]
    try:
        data = report_path.read_bytes()
        data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problems.add(str(path), f"cannot read report {report_path}: {e}")
        return 0

    facts = doc.get("facts", {})
    to_fill = {}
    for fid, fact in facts.items():
        where = f"{path.name} [facts.{fid}]"
        if fid not in CATALOGUE:
            problems.add(where, "not a catalogue fact id")
            continue
        extra = set(fact) - ALLOWED_KEYS
        if extra:
            problems.add(where, f"unknown keys {sorted(extra)}")
        if "value" not in fact or "quote" not in fact:
            problems.add(where, "needs value and quote")
            continue
        quote = fact["quote"]
        check_value(fid, CATALOGUE[fid], fact["value"], quote, where, problems)
        if "qualifier" in fact:
            if CATALOGUE[fid] not in ("count", "percent"):
                problems.add(where, "qualifier on a non-numeric fact")
            if fact["qualifier"] not in QUALIFIERS:
                problems.add(where, f"unknown qualifier {fact['qualifier']!r}")
        n = fact.get("occurrence", 1)
        if not isinstance(n, int) or n < 1:
            problems.add(where, f"bad occurrence {n!r}")
            continue
        needle = quote.encode("utf-8")
        total = data.count(needle)
        if "occurrence" in fact and total < 2:
            problems.add(where, "occurrence given but the quote occurs only once")
        start = find_nth(data, needle, n)
        if start < 0:
            problems.add(where, f"quote not found (occurrence {n}, found {total}): {quote!r}")
            continue
        span = [start, start + len(needle)]
        if "span" in fact:
            if list(fact["span"]) != span:
                problems.add(where, f"span {fact['span']} disagrees with quote position {span}")
        elif check_only:
            problems.add(where, f"span missing (would be {span})")
        else:
            to_fill[fid] = span
        if total > 1:
            print(f"note: {where}: quote occurs {total} times, using occurrence {n}")

    if "report_year" in facts and "year" in rep:
        if str(rep["year"]) != facts["report_year"].get("value"):
            problems.add(str(path), "[report].year disagrees with report_year")

    if to_fill:
        filled = len(to_fill)
        write_spans(path, dict(to_fill))
        print(f"{path.name}: filled {filled} span(s)")
        # Re-read and verify what was written.
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        facts = doc.get("facts", {})

    # Final, independent check of every span.
    for fid, fact in facts.items():
        if "span" not in fact or "quote" not in fact:
            continue
        s, e = fact["span"]
        try:
            got = data[s:e].decode("utf-8")
        except UnicodeDecodeError:
            got = None
        if got != fact["quote"]:
            problems.add(f"{path.name} [facts.{fid}]",
                         f"file bytes {s}..{e} are {got!r}, not the quote")
    return len(facts)


def main(argv):
    check_only = "--check" in argv
    args = [a for a in argv if a != "--check"]
    paths = []
    for a in args:
        path = Path(a)
        paths.extend(sorted(path.glob("*.facts.toml")) if path.is_dir() else [path])
    if not args:
        paths = sorted(Path(__file__).resolve().parent.glob("*.facts.toml"))
    if not paths:
        print("no facts files", file=sys.stderr)
        return 1
    problems = Problems()
    total = 0
    for p in paths:
        total += process(p, check_only, problems)
    if problems.items:
        print(f"FAILED: {len(problems.items)} problem(s)", file=sys.stderr)
        for item in problems.items:
            print("  " + item, file=sys.stderr)
        return 1
    print(f"OK: {len(paths)} file(s), {total} fact(s), every span matches its quote")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
