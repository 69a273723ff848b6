#!/usr/bin/env python3
"""Fill and verify the spans of the edge-case labels: `python3 label_spans.py [--check]`.

The real work is done by ../label_spans.py; this wrapper only processes the files in this
directory and also accepts values written the ways these cases write them: Chinese numerals
(十二次 = 12), 百分之百 = 100, full-width thousands commas (１，２０８ = 1208), and dates
written 2025/3/28 or 2025.02.18.
"""
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("label_spans", HERE.parent / "label_spans.py")
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_integer(s):
    total, digit = 0, None
    for c in s:
        if c in DIGITS:
            digit = DIGITS[c]
        elif c in UNITS:
            total += (1 if digit is None else digit) * UNITS[c]
            digit = None
        else:
            return None
    return total + (digit or 0)


def readable(quote):
    """The quote with Chinese numerals, 百分之百 and thousands commas written as digits."""
    out, run = [], ""
    for c in quote.translate(base.FULL_WIDTH).replace("，", ",").replace("百分之百", "100%"):
        if c in DIGITS or c in UNITS:
            run += c
            continue
        if run:
            n = chinese_integer(run)
            out.append(str(n) if n is not None else run)
            run = ""
        out.append(c)
    if run:
        n = chinese_integer(run)
        out.append(str(n) if n is not None else run)
    text = "".join(out)
    # 1,208 -> 1208
    import re
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    # 2025/3/28, 2025.02.18 -> 2025-03-28, 2025-02-18
    return re.sub(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", lambda m: f"{m[1]}-{int(m[2]):02}-{int(m[3]):02}", text)


original = base.check_value


def check_value(fid, ftype, value, quote, where, problems):
    original(fid, ftype, value, readable(quote), where, problems)


base.check_value = check_value

if __name__ == "__main__":
    args = sys.argv[1:]
    files = [a for a in args if a != "--check"] or [str(p) for p in sorted(HERE.glob("*.facts.toml"))]
    sys.exit(base.main([a for a in args if a == "--check"] + files))
