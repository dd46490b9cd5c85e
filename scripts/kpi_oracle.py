#!/usr/bin/env python3
"""Independent oracle for the KPI catalogue (spec/kpis.md, spec/sources.md).

Pure Python 3.11 standard library: csv, datetime, fractions, decimal, zipfile, xml.etree.
It reads a landing folder the way sources.md describes and computes every KPI at the 25 trend
points of kpis.md ("Periods"), written without looking at the pipeline's SQL, so the two can be
compared (test/kpi-oracle.test.ts).

    python3 scripts/kpi_oracle.py --landing fixtures/sample/landing --as-of 2015-02-28 \
        [--bank-holidays reference/bank-holidays-england-and-wales.csv] \
        [--mappings config/code-mappings.json] [--freshness config/freshness.json] [--skip-xlsx]

Output (stdout, JSON):
    {"as_of": D, "period_ends": [...25...],
     "kpis": {id: [{"period_end", "value", "numerator", "denominator", "null_reason", "provisional", "status"}, ...]},
     "headlines": {id: {"basis", "period_start", "period_end", "value", "numerator", "denominator", "status", "stale"}},
     "sources": {list: {"date", "age_days", "stale"}}}

The headline (kpis.md v2, "Headline figure, provisional points, freshness"): a `month` KPI's is
the last complete month (D's month when D is its last day, else the month before); an `at_date`
or `trailing_12_months` KPI's is the point at D. The point at D of a `month` KPI is provisional
when D is not a month end (status none). Status from the catalogue's target and RAG column.
Freshness: a list's age is D minus the extract date of the extract used (audits: the newest
Completed Date on or before D, the project's documented choice; none → stale); stale when older
than 7 days (case-system), 45 (hr), 100 (audits), or as `--freshness FILE` says; a figure is
stale when a list it reads is. A list with no readable extract on or before D (audits: no
readable audit file) makes every point of the figures reading it null.

Numbers: counts are integers, FTE sums are exact decimals; value is rounded to 1 dp half away
from zero from the exact fraction (never a float along the way).

Readings of the spec where it leaves room (kept deliberately simple; see the test report):
- A row breaking a row rule of sources.md is left out; a file missing a required column is
  ignored whole, and the newest *readable* extract dated on or before D is used instead.
- An empty cohort publishes value null (never 0) with its numerator and its zero denominator
  (kpis.md: "numerator and denominator are published with every percentage and ratio"); only a
  withheld figure nulls all three.
- Any event date after D (sign-off, induction, completion...) has not happened as far as the
  run knows: it is read as blank.
- cin_without_plan_6wk is read per episode (the episode's own Case Status and plan date).
- closures_signoff_pct counts cases ("Cases closed"): one Case ID with one Closure Date, signed off
  if any of its rows is.
- Unknown codes (kpis.md, "Baselines": a figure whose cohort holds a code the KPI cannot classify
  is withheld, and new codes are never silently dropped): besides an unknown grade among the
  audits of the KPI's type, a graded audit completed in the month whose Audit Type is neither Case
  File nor Assessment withholds both grade KPIs; an Auditor Role outside Manager/QA/Peer among
  the audits scheduled in the month withholds audits_completed_by_managers_pct; a Case Status
  outside the five Annex A statuses on a qualifying CIN episode withholds cin_without_plan_6wk.
  Blank codes are unknown values (NULL), not new codes: left out (grade, type, role) or counted
  (a blank Case Status is not looked after nor CP).
- An Audit ID repeated within one file: the first row is the audit, the repeat breaks "unique".
- Audits: every audit file; an Audit ID in several files is taken from the file whose name
  sorts last (plain code-point order of the file name); completion after D = not completed
  (and then the grade is not read either).
- Annex A lists 5, 8, 9 (v2): section_47's strategy discussion date may be blank (the ICPC KPI
  reads "rows with a strategy discussion date"); a conference before it is a row error (an end
  before its start); "Number of …" columns of lists 5 and 8 are counts (whole, >= 0, or blank).
  Children looked after: one child with several rows open at E is one child, with 3 or more if
  any of those rows records 3 or more, left out only when all of them are blank. Care leavers:
  every row of the extract is one care leaver; Activity Status "starts with F" after the
  lettered prefix (one letter and ")") is stripped, so "F1: …" and "f) F1: …" count and
  "g) G5: …" does not; any non-blank Suitability of Accommodation is in the cohort, and only
  "Suitable" (after the council's mappings) is suitable. Each care-leaver point reads the newest
  readable extract dated on or before that point; none → the point is null.
"""
from __future__ import annotations

import argparse
import calendar
import csv
import io
import json
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

# --------------------------------------------------------------------------------------------
# Parsing helpers (sources.md, "Common rules for every CSV")
# --------------------------------------------------------------------------------------------


class RowError(Exception):
    pass


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(s: str | None) -> date | None:
    """dd/mm/yyyy or yyyy-mm-dd; blank → None; anything else (or impossible) → RowError."""
    if s is None:
        return None
    s = s.strip()
    if s == "":
        return None
    m = _DMY.match(s)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _YMD.match(s)
        if not m:
            raise RowError(f"not a date: {s!r}")
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return date(y, mo, d)
    except ValueError as e:
        raise RowError(f"impossible date: {s!r}") from e


def norm_code(s: str | None) -> str | None:
    """Coded value: trimmed, lower case, Annex A letter prefix ('c) ') removed; blank → None."""
    if s is None:
        return None
    s = s.strip()
    s = re.sub(r"^[A-Za-z]\)\s*", "", s)
    s = s.strip()
    return s.lower() if s else None


def blank(s: str | None) -> bool:
    return s is None or s.strip() == ""


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_csv_rows(path: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header (trimmed, lower case) and rows as dicts keyed by those names."""
    with open(path, "rb") as f:
        text = decode(f.read())
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    if not rows:
        return [], []
    header = [h.strip().lower() for h in rows[0]]
    out = []
    for r in rows[1:]:
        if len(r) == 0 or all(c.strip() == "" for c in r):
            continue
        out.append({header[i]: (r[i] if i < len(r) else "") for i in range(len(header))})
    return header, out


# --------------------------------------------------------------------------------------------
# Code mappings (config/code-mappings.json): {"version":1,"mappings":[{column,from,to}]}
# --------------------------------------------------------------------------------------------


class Mappings:
    def __init__(self, path: str | None):
        self.m: dict[str, dict[str, str]] = {}
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            for e in doc.get("mappings", []):
                col = re.sub(r"[^a-z0-9]+", "_", str(e["column"]).strip().lower()).strip("_")
                frm = norm_code(str(e["from"]))
                to = norm_code(str(e["to"]))
                if frm is not None:
                    self.m.setdefault(col, {})[frm] = to

    def code(self, column: str, raw: str | None) -> str | None:
        c = norm_code(raw)
        if c is None:
            return None
        return self.m.get(column, {}).get(c, c)


# --------------------------------------------------------------------------------------------
# Landing folder: newest extract of each list dated on or before D
# --------------------------------------------------------------------------------------------

COMMON = ["child unique id"]
CASE_LISTS: dict[str, list[str]] = {
    "referrals": ["date of referral", "referral source", "referral nfa?"],
    "assessments": [
        "continuous assessment start date",
        "continuous assessment date of authorisation",
        "child seen during continuous assessment",
        "was the child assessed as requiring la children's social care support?",
    ],
    "children_in_need": [
        "cin start date",
        "cin closure date",
        "primary need code",
        "reason for closure",
        "case status",
    ],
    "child_protection": [
        "child protection plan start date",
        "child protection plan end date",
        "number of previous child protection plans",
        "initial category of abuse",
        "latest category of abuse",
    ],
    "care_proceedings": ["proceedings id", "date application issued", "date of final order", "final order type"],
    "case_closures": ["case id", "closure date", "closed by", "manager sign-off date", "signed off by"],
    # sources.md v2, "the Annex A workbook": the columns a KPI or check needs, lists 5, 8 and 9.
    "section_47": [
        "strategy discussion initiating section 47 enquiry start date",
        "was an initial child protection conference deemed unnecessary?",
        "date of initial child protection conference",
        "did the initial child protection conference result in a child protection plan",
    ],
    "children_looked_after": [
        "date started to be looked after",
        "date ceased to be looked after",
        "number of placements in the last 12 months",
    ],
    "care_leavers": ["activity status", "suitability of accommodation"],
}
# (start column, end column) per list, for the row rules.
CASE_SPANS: dict[str, tuple[str | None, str | None]] = {
    "referrals": ("date of referral", None),
    "assessments": ("continuous assessment start date", "continuous assessment date of authorisation"),
    "children_in_need": ("cin start date", "cin closure date"),
    "child_protection": ("child protection plan start date", "child protection plan end date"),
    "care_proceedings": ("date application issued", "date of final order"),
    "case_closures": ("closure date", None),
    # The conference follows the strategy discussion that started the enquiry (an "end" before
    # its "start" is a row error). The strategy discussion may be blank: the ICPC KPI reads only
    # "rows with a strategy discussion date".
    "section_47": ("strategy discussion initiating section 47 enquiry start date", "date of initial child protection conference"),
    "children_looked_after": ("date started to be looked after", "date ceased to be looked after"),
    "care_leavers": (None, None),
}
START_MAY_BE_BLANK = {"section_47"}
# Lists whose "Number of …" columns are counts: a whole number >= 0, or blank (unknown).
COUNTED_LISTS = {"section_47", "children_looked_after"}
HR_REQUIRED = ["worker id", "org role", "agency worker", "fte", "role start date"]
AUDIT_REQUIRED = ["audit id", "child unique id"]

_NAME = re.compile(r"^(.+)_(\d{4}-\d{2}-\d{2})\.csv$", re.IGNORECASE)


def extracts(folder: str, as_of: date) -> dict[str, list[tuple[date, str]]]:
    """list name → [(extract date, path)] dated on or before as_of, newest first."""
    out: dict[str, list[tuple[date, str]]] = {}
    if not os.path.isdir(folder):
        return out
    for name in os.listdir(folder):
        m = _NAME.match(name)
        if not m:
            continue
        try:
            d = date.fromisoformat(m.group(2))
        except ValueError:
            continue
        if d > as_of:
            continue
        out.setdefault(m.group(1).lower(), []).append((d, os.path.join(folder, name)))
    for v in out.values():
        v.sort(reverse=True)
    return out


def load_case_list(landing: str, lst: str, as_of: date) -> tuple[date | None, list[dict]]:
    """Valid rows of the newest readable extract of a case-system list, dates parsed."""
    for ext_date, path in extracts(os.path.join(landing, "case-system"), as_of).get(lst, []):
        header, rows = read_csv_rows(path)
        if not all(c in header for c in COMMON + CASE_LISTS[lst]):
            continue  # not an extract of this list: rejected whole
        date_cols = [h for h in header if "date" in h]
        start_col, end_col = CASE_SPANS[lst]
        good = []
        for r in rows:
            try:
                if blank(r.get("child unique id")):
                    raise RowError("blank child")
                parsed = {h: parse_date(r.get(h)) for h in date_cols}
                s = parsed[start_col] if start_col is not None else None
                if start_col is not None and (s is None and lst not in START_MAY_BE_BLANK or s is not None and s > ext_date):
                    raise RowError("start blank or after extract")
                if end_col is not None:
                    e = parsed[end_col]
                    if e is not None and s is not None and e < s:
                        raise RowError("end before start")
                    if lst == "children_in_need" and e is not None and e > ext_date:
                        raise RowError("closure after extract")
                # Any other start/closure date must not be after the extract date.
                for h in date_cols:
                    if h != start_col and ("start date" in h) and parsed[h] is not None and parsed[h] > ext_date:
                        raise RowError("start after extract")
                if lst == "child_protection":
                    n = r.get("number of previous child protection plans", "").strip()
                    if n != "" and not re.fullmatch(r"\+?\d+", n):
                        raise RowError("count not a whole number")
                if lst in COUNTED_LISTS:
                    for h in header:
                        n = (r.get(h) or "").strip()
                        if h.startswith("number of") and n != "" and not re.fullmatch(r"\d+", n):
                            raise RowError("count not a whole number")
                row = {k: (v.strip() if isinstance(v, str) else v) for k, v in r.items()}
                row.update({"@" + h: parsed[h] for h in date_cols})
                good.append(row)
            except RowError:
                continue
        return ext_date, good
    return None, []


ORG_ROLES = {
    "senior manager": 1,
    "middle manager": 2,
    "first line manager": 3,
    "senior practitioner": 4,
    "case holder": 5,
    "qualified without cases": 6,
}


def parse_org_role(s: str) -> int:
    t = re.sub(r"\s+", " ", s.strip().lower())
    m = re.fullmatch(r"(\d+)(?:\s*(.*))?", t)
    if m:
        n = int(m.group(1))
        words = (m.group(2) or "").strip(" -.:")
        if n not in ORG_ROLES.values():
            raise RowError("org role not on the list")
        if words and ORG_ROLES.get(words) != n:
            raise RowError("org role number and words disagree")
        return n
    if t in ORG_ROLES:
        return ORG_ROLES[t]
    raise RowError("org role not on the list")


def parse_yn(s: str) -> bool:
    t = s.strip().lower()
    if t in ("y", "yes"):
        return True
    if t in ("n", "no"):
        return False
    raise RowError("not Y/N")


def load_hr(landing: str, as_of: date) -> list[dict]:
    return load_hr_extract(landing, as_of)[1]


def load_hr_extract(landing: str, as_of: date) -> tuple[date | None, list[dict]]:
    """Valid rows of the newest readable workforce extract dated on or before as_of, and its date."""
    for ext_date, path in extracts(os.path.join(landing, "hr"), as_of).get("workforce", []):
        header, rows = read_csv_rows(path)
        if not all(c in header for c in HR_REQUIRED):
            continue
        good = []
        for r in rows:
            try:
                wid = r.get("worker id", "").strip()
                if wid == "":
                    raise RowError("blank worker")
                role = parse_org_role(r.get("org role", ""))
                agency = parse_yn(r.get("agency worker", ""))
                try:
                    fte = Decimal(r.get("fte", "").strip())
                except InvalidOperation as e:
                    raise RowError("fte") from e
                if not fte.is_finite() or not (Decimal(0) < fte <= Decimal("1.5")):
                    raise RowError("fte range")
                start = parse_date(r.get("role start date"))
                end = parse_date(r.get("role end date"))
                ind = parse_date(r.get("induction completed date"))
                if start is None or start > ext_date:
                    raise RowError("start")
                if end is not None and end < start:
                    raise RowError("end before start")
                good.append(
                    {"worker": wid, "role": role, "agency": agency, "fte": fte, "start": start, "end": end, "induction": ind}
                )
            except RowError:
                continue
        return ext_date, good
    return None, []


# ---------------------------------- audits (csv + xlsx) -------------------------------------

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _col_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if ch.isalpha():
            n = n * 26 + (ord(ch.upper()) - 64)
        else:
            break
    return n - 1


def _text_of(el: ET.Element) -> str:
    return "".join(t.text or "" for t in el.iter("{%s}t" % NS["m"]))


def xlsx_sheets(path: str) -> list[tuple[list[list[object]], bool]]:
    """Every worksheet as (rows of cell values: str or ("num", float), uses the 1904 date system)."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = [_text_of(si) for si in sst.findall("m:si", NS)]
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        date1904 = False
        pr = wb.find("m:workbookPr", NS)
        if pr is not None and pr.get("date1904") in ("1", "true"):
            date1904 = True
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for rel in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")):
                tgt = rel.get("Target", "")
                tgt = tgt[1:] if tgt.startswith("/") else "xl/" + tgt
                rels[rel.get("Id")] = os.path.normpath(tgt).replace(os.sep, "/")
        sheets = []
        for sh in wb.iter("{%s}sheet" % NS["m"]):
            target = rels.get(sh.get("{%s}id" % RNS))
            if not target or target not in names:
                continue
            root = ET.fromstring(z.read(target))
            rows: list[list[object]] = []
            for row in root.iter("{%s}row" % NS["m"]):
                vals: list[object] = []
                nxt = 0
                for c in row.findall("m:c", NS):
                    ref = c.get("r")
                    idx = _col_index(ref) if ref else nxt
                    nxt = idx + 1
                    t = c.get("t")
                    v = c.find("m:v", NS)
                    if t == "s":
                        val: object = shared[int(v.text)] if v is not None and v.text else ""
                    elif t == "inlineStr":
                        is_ = c.find("m:is", NS)
                        val = _text_of(is_) if is_ is not None else ""
                    elif t in ("str", "e"):
                        val = v.text or "" if v is not None else ""
                    elif t == "b":
                        val = "TRUE" if v is not None and v.text == "1" else "FALSE"
                    else:
                        val = ("num", float(v.text)) if v is not None and v.text not in (None, "") else ""
                    while len(vals) < idx:
                        vals.append("")
                    vals.append(val)
                rows.append(vals)
            sheets.append((rows, date1904))
        return sheets


def _xlsx_date(v: object, date1904: bool) -> str:
    """A date cell as an ISO string (Excel serial) or its text as written."""
    if isinstance(v, tuple):
        serial = int(v[1])
        base = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
        if not date1904 and serial < 61:
            base = date(1899, 12, 31)  # the 1900 leap-year bug
        return (base + timedelta(days=serial)).isoformat()
    return str(v)


def _xlsx_text(v: object) -> str:
    if isinstance(v, tuple):
        f = v[1]
        return str(int(f)) if f == int(f) else repr(f)
    return str(v)


def read_audit_xlsx(path: str) -> list[dict[str, str]]:
    for rows, date1904 in xlsx_sheets(path):
        for hi, r in enumerate(rows[:30]):
            header = [(_xlsx_text(c).strip().lower()) for c in r]
            if all(c in header for c in AUDIT_REQUIRED):
                out = []
                for dr in rows[hi + 1:]:
                    rec = {}
                    for i, h in enumerate(header):
                        if h == "":
                            continue
                        v = dr[i] if i < len(dr) else ""
                        rec[h] = _xlsx_date(v, date1904) if "date" in h else _xlsx_text(v)
                    if all(str(x).strip() == "" for x in rec.values()):
                        continue
                    out.append(rec)
                return out
    return []


def load_audits(landing: str, as_of: date, m: Mappings, skip_xlsx: bool, files_read: list[str] | None = None) -> list[dict]:
    """Audits of every readable audit file (names appended to files_read)."""
    folder = os.path.join(landing, "audits")
    if not os.path.isdir(folder):
        return []
    by_id: dict[str, dict] = {}
    for name in sorted(os.listdir(folder)):  # later names override earlier ones
        in_file: set[str] = set()
        path = os.path.join(folder, name)
        low = name.lower()
        if low.endswith(".csv"):
            header, rows = read_csv_rows(path)
            if not all(c in header for c in AUDIT_REQUIRED):
                continue
        elif low.endswith(".xlsx"):
            if skip_xlsx:
                continue
            rows = read_audit_xlsx(path)
            if not rows:
                continue  # no audit sheet: not an audit workbook
        else:
            continue
        if files_read is not None:
            files_read.append(name)
        for r in rows:
            try:
                aid = (r.get("audit id") or "").strip()
                if aid == "" or blank(r.get("child unique id")):
                    raise RowError("blank id")
                sched = parse_date(r.get("scheduled date"))
                comp = parse_date(r.get("completed date"))
                if aid in in_file:
                    raise RowError("Audit ID repeated within one file")  # unique per audit
            except RowError:
                continue
            in_file.add(aid)
            if comp is not None and comp > as_of:
                comp = None  # not completed as far as this run knows
            by_id[aid] = {
                "id": aid,
                "type": m.code("audit_type", r.get("audit type")),
                "scheduled": sched,
                "completed": comp,
                "role": m.code("auditor_role", r.get("auditor role")),
                "grade": m.code("grade", r.get("grade")),
            }
    return list(by_id.values())


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


def month_end(y: int, mo: int) -> date:
    return date(y, mo, calendar.monthrange(y, mo)[1])


def period_ends(as_of: date) -> list[date]:
    out = []
    y, mo = as_of.year, as_of.month
    for k in range(24, 0, -1):
        yy, mm = y, mo - k
        while mm <= 0:
            mm += 12
            yy -= 1
        out.append(month_end(yy, mm))
    out.append(as_of)
    return out


def minus_12_months(d: date) -> date:
    y = d.year - 1
    return date(y, d.month, min(d.day, calendar.monthrange(y, d.month)[1]))


def in_month_ending(d: date | None, e: date) -> bool:
    return d is not None and date(e.year, e.month, 1) <= d <= e


def in_trailing_12(d: date | None, e: date) -> bool:
    return d is not None and minus_12_months(e) < d <= e


def open_at(start: date | None, end: date | None, e: date) -> bool:
    return start is not None and start <= e and (end is None or end > e)


class WorkingDays:
    def __init__(self, path: str):
        self.hol: set[date] = set()
        if path and os.path.exists(path):
            _, rows = read_csv_rows(path)
            for r in rows:
                d = parse_date(r.get("date"))
                if d:
                    self.hol.add(d)

    def between(self, a: date, b: date) -> int:
        """Days after a up to and including b that are not weekend or bank holiday."""
        n = 0
        d = a + timedelta(days=1)
        while d <= b:
            if d.weekday() < 5 and d not in self.hol:
                n += 1
            d += timedelta(days=1)
        return n


# --------------------------------------------------------------------------------------------
# Publishing
# --------------------------------------------------------------------------------------------


def round1(x: Fraction) -> Decimal:
    """1 dp, half away from zero, from an exact fraction."""
    t = x * 10
    fl = t.numerator // t.denominator
    frac = t - fl
    if frac == Fraction(1, 2):
        r = fl + 1 if t > 0 else fl  # half away from zero (negative ties: -x.5 → floor)
    else:
        r = round(t)  # not a tie: nearest
    return Decimal(r) / Decimal(10)


def num_json(x):
    if x is None:
        return None
    if isinstance(x, Decimal):
        return float(x) if x != x.to_integral_value() else int(x)
    if isinstance(x, Fraction):
        return x.numerator if x.denominator == 1 else float(x)
    return x


def pct(num, den, reason="empty cohort"):
    if den == 0:
        # Value null, never 0; the (zero) denominator is still published with the percentage.
        return {"value": None, "numerator": num_json(num), "denominator": num_json(den), "null_reason": reason}
    v = round1(Fraction(num) * 100 / Fraction(den))
    return {"value": num_json(v), "numerator": num_json(num), "denominator": num_json(den), "null_reason": None}


def ratio(num, den, reason="empty cohort"):
    if den == 0:
        return {"value": None, "numerator": num_json(num), "denominator": num_json(den), "null_reason": reason}
    v = round1(Fraction(num) / Fraction(den))
    return {"value": num_json(v), "numerator": num_json(num), "denominator": num_json(den), "null_reason": None}


def average_weeks(days: list[int]):
    if not days:
        return {"value": None, "numerator": None, "denominator": 0, "null_reason": "empty cohort"}
    v = round1(Fraction(sum(days), 7 * len(days)))
    return {"value": num_json(v), "numerator": None, "denominator": len(days), "null_reason": None}


def count(n: int):
    return {"value": n, "numerator": None, "denominator": None, "null_reason": None}


def withheld(codes):
    return {"value": None, "numerator": None, "denominator": None, "null_reason": "withheld: unknown " + ", ".join(sorted(codes))}


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------

GRADES = {"outstanding", "good", "requires improvement", "inadequate"}
AUDIT_TYPES = {"case file", "assessment"}
AUDITOR_ROLES = {"manager", "qa", "peer"}
CASE_STATUSES = {"looked after child", "child protection plan", "child in need plan", "open assessment", "closed episode"}
GOOD = {"outstanding", "good"}


def compute(landing: str, as_of: date, bank_holidays: str, mappings_path: str | None, skip_xlsx: bool) -> dict:
    m = Mappings(mappings_path)
    wd = WorkingDays(bank_holidays)
    ends = period_ends(as_of)

    def ev(d: date | None) -> date | None:
        """An event date after as-of has not happened yet."""
        return d if d is not None and d <= as_of else None

    loaded = {lst: load_case_list(landing, lst, as_of) for lst in CASE_LISTS}
    lists = {lst: rows for lst, (_, rows) in loaded.items()}
    hr_date, hr = load_hr_extract(landing, as_of)
    audit_files: list[str] = []
    audits = load_audits(landing, as_of, m, skip_xlsx, audit_files)

    # ---- care proceedings: one row per Proceedings ID
    procs: dict[str, dict] = {}
    for r in lists["care_proceedings"]:
        pid = r.get("proceedings id", "")
        if pid == "":
            continue
        p = procs.setdefault(pid, {"issue": None, "final": None, "all_final": True})
        iss, fin = r["@date application issued"], ev(r["@date of final order"])
        p["issue"] = iss if p["issue"] is None or iss < p["issue"] else p["issue"]
        if fin is None:
            p["all_final"] = False
        elif p["final"] is None or fin > p["final"]:
            p["final"] = fin
    concluded = [(p["issue"], p["final"]) for p in procs.values() if p["all_final"] and p["final"] is not None]

    # ---- referrals per child (sorted dates)
    ref_by_child: dict[str, list[date]] = {}
    for r in lists["referrals"]:
        ref_by_child.setdefault(r["child unique id"], []).append(r["@date of referral"])

    def re_referred(child: str, d: date) -> bool:
        lo = minus_12_months(d)
        return any(lo < o < d for o in ref_by_child[child])

    cin = [
        {
            "child": r["child unique id"],
            "start": r["@cin start date"],
            "end": ev(r["@cin closure date"]),
            "status": m.code("case_status", r.get("case status")),
            "plan": r.get("@cin plan start date"),
            "worker": r.get("allocated worker", "").strip(),
        }
        for r in lists["children_in_need"]
    ]

    # ---- care leavers (kpis.md v2): each point E reads the newest extract dated on or before E
    # (not on or before D), since the list has no dates to place a state in the past.
    leavers_at: dict[date, tuple[date | None, list[dict]]] = {}

    def care_leavers_at(e: date) -> tuple[date | None, list[dict]]:
        if e not in leavers_at:
            leavers_at[e] = load_case_list(landing, "care_leavers", e)
        return leavers_at[e]

    out: dict[str, list[dict]] = {k: [] for k in KPI_IDS}
    for e in ends:
        pe = {"period_end": e.isoformat()}

        # ICPCs held in the month ending E with a strategy discussion date: within 15 working days of it
        n = d = 0
        for r in lists["section_47"]:
            held = r["@date of initial child protection conference"]
            strategy = r["@strategy discussion initiating section 47 enquiry start date"]
            if in_month_ending(held, e) and strategy is not None:
                d += 1
                if wd.between(strategy, held) <= 15:
                    n += 1
        out["icpc_within_15wd_pct"].append({**pe, **pct(n, d)})

        # children looked after at E (distinct children) with 3 or more placements in the last 12 months
        recorded: set[str] = set()
        three_plus: set[str] = set()
        for r in lists["children_looked_after"]:
            if not open_at(r["@date started to be looked after"], ev(r["@date ceased to be looked after"]), e):
                continue
            count_text = r.get("number of placements in the last 12 months", "")
            if count_text == "":
                continue  # blank: left out (a child with a count on another open row still counts)
            recorded.add(r["child unique id"])
            if int(count_text) >= 3:
                three_plus.add(r["child unique id"])
        out["cla_3plus_placements_pct"].append({**pe, **pct(len(three_plus), len(recorded))})

        # care leavers in education, employment or training; in suitable accommodation
        leavers_date, leavers = care_leavers_at(e)
        if leavers_date is None:
            for kid in ("care_leavers_eet_pct", "care_leavers_suitable_accommodation_pct"):
                out[kid].append({**pe, "value": None, "numerator": None, "denominator": None, "null_reason": "no care_leavers extract on or before E"})
        else:
            activities = [a for a in (norm_code(r.get("activity status")) for r in leavers) if a is not None]
            out["care_leavers_eet_pct"].append({**pe, **pct(sum(1 for a in activities if a.startswith("f")), len(activities))})
            suits = [x for x in (m.code("suitability_of_accommodation", r.get("suitability of accommodation")) for r in leavers) if x is not None]
            out["care_leavers_suitable_accommodation_pct"].append({**pe, **pct(sum(1 for x in suits if x == "suitable"), len(suits))})

        # plo
        coh = [(i, f) for i, f in concluded if in_trailing_12(f, e)]
        out["plo_avg_weeks"].append({**pe, **average_weeks([(f - i).days for i, f in coh])})
        out["plo_within_26_weeks_pct"].append({**pe, **pct(sum(1 for i, f in coh if (f - i).days <= 182), len(coh))})

        # cin without plan after 6 weeks (per episode)
        kids = set()
        unknown = set()
        for c in cin:
            if not open_at(c["start"], c["end"], e) or (e - c["start"]).days < 42:
                continue
            if c["plan"] is not None and c["plan"] <= e:
                continue
            if c["status"] is not None and c["status"] not in CASE_STATUSES:
                unknown.add(c["status"])  # could hide a looked-after or CP child: cannot classify
            if c["status"] in ("looked after child", "child protection plan"):
                continue
            kids.add(c["child"])
        out["cin_without_plan_6wk"].append({**pe, **(withheld(unknown) if unknown else count(len(kids)))})

        # assessments within 45 working days
        n = d = 0
        for r in lists["assessments"]:
            a = ev(r["@continuous assessment date of authorisation"])
            if in_month_ending(a, e):
                d += 1
                if wd.between(r["@continuous assessment start date"], a) <= 45:
                    n += 1
        out["assessments_within_45wd_pct"].append({**pe, **pct(n, d)})

        # re-referrals
        n = d = 0
        for r in lists["referrals"]:
            rd = r["@date of referral"]
            if in_month_ending(rd, e):
                d += 1
                if re_referred(r["child unique id"], rd):
                    n += 1
        out["re_referral_12m_pct"].append({**pe, **pct(n, d)})

        # repeat CP plans
        n = d = 0
        for r in lists["child_protection"]:
            if not in_trailing_12(r["@child protection plan start date"], e):
                continue
            prev = r.get("number of previous child protection plans", "")
            if prev == "":
                continue
            d += 1
            if int(prev) >= 1:
                n += 1
        out["cp_repeat_plan_pct"].append({**pe, **pct(n, d)})

        # closures signed off: one closure = one Case ID with one Closure Date ("Cases closed")
        closed: dict[tuple, bool] = {}
        for r in lists["case_closures"]:
            if in_month_ending(r["@closure date"], e):
                key = (r.get("case id", ""), r["@closure date"]) if r.get("case id", "") else ("#row", id(r))
                closed[key] = closed.get(key, False) or ev(r["@manager sign-off date"]) is not None
        out["closures_signoff_pct"].append({**pe, **pct(sum(closed.values()), len(closed))})

        # workforce at E
        in_post = [h for h in hr if open_at(h["start"], ev(h["end"]), e)]
        posted_workers = {h["worker"] for h in in_post}

        # avg caseload
        children = set()
        holders = set()
        for c in cin:
            if open_at(c["start"], c["end"], e) and c["worker"] and c["worker"] in posted_workers:
                children.add(c["child"])
                holders.add(c["worker"])
        fte = sum((h["fte"] for h in in_post if h["worker"] in holders), Decimal(0))
        out["avg_caseload"].append({**pe, **ratio(len(children), fte)})

        total = sum((h["fte"] for h in in_post), Decimal(0))
        agency = sum((h["fte"] for h in in_post if h["agency"]), Decimal(0))
        out["agency_rate_fte_pct"].append({**pe, **pct(agency, total)})

        stays = [(h["end"] - h["start"]).days for h in hr if h["agency"] and in_trailing_12(ev(h["end"]), e)]
        out["agency_avg_stay_weeks"].append({**pe, **average_weeks(stays)})

        leavers = sum((h["fte"] for h in hr if not h["agency"] and in_trailing_12(ev(h["end"]), e)), Decimal(0))
        employed = sum((h["fte"] for h in in_post if not h["agency"]), Decimal(0))
        out["turnover_rate_fte_pct"].append({**pe, **pct(leavers, employed)})

        front = sum((h["fte"] for h in in_post if h["role"] in (4, 5)), Decimal(0))
        flm = sum((h["fte"] for h in in_post if h["role"] == 3), Decimal(0))
        out["frontline_per_manager"].append({**pe, **ratio(front, flm)})

        n = d = 0
        for h in hr:
            if in_trailing_12(h["start"], e):
                d += 1
                ind = ev(h["induction"])
                if ind is not None and ind <= h["start"] + timedelta(days=30):
                    n += 1
        out["induction_completed_pct"].append({**pe, **pct(n, d)})

        # audits
        for kid, typ in (("audits_good_or_better_pct", "case file"), ("assessment_quality_good_pct", "assessment")):
            graded = [a for a in audits if in_month_ending(a["completed"], e) and a["grade"] is not None]
            coh = [a for a in graded if a["type"] == typ]
            unknown = {a["grade"] for a in coh if a["grade"] not in GRADES}
            # A graded audit whose (non-blank) type is not a known type might be this type renamed.
            odd = [a for a in graded if a["type"] is not None and a["type"] not in AUDIT_TYPES]
            unknown |= {"audit type " + a["type"] for a in odd}
            unknown |= {a["grade"] for a in odd if a["grade"] not in GRADES}
            if unknown:
                out[kid].append({**pe, **withheld(unknown)})
            else:
                out[kid].append({**pe, **pct(sum(1 for a in coh if a["grade"] in GOOD), len(coh))})

        sched = [a for a in audits if in_month_ending(a["scheduled"], e)]
        unknown = {a["role"] for a in sched if a["role"] is not None and a["role"] not in AUDITOR_ROLES}
        coh = [a for a in sched if a["role"] == "manager"]
        out["audits_completed_by_managers_pct"].append(
            {**pe, **(withheld(unknown) if unknown else pct(sum(1 for a in coh if a["completed"] is not None), len(coh)))}
        )

    # ---- v2: what each KPI reads, freshness, the headline (kpis.md "Headline figure, provisional points, freshness")
    on_hand: dict[str, date | None] = {lst: d for lst, (d, _) in loaded.items() if d is not None}
    if hr_date is not None:
        on_hand["workforce"] = hr_date
    if audit_files:
        # Audits carry no extract date: dated by the newest Completed Date on or before D (the
        # project's documented choice), None when no audit is completed yet.
        on_hand["audits"] = max((a["completed"] for a in audits if a["completed"] is not None), default=None)
    sources = {}
    for lst, d in on_hand.items():
        age = None if d is None else (as_of - d).days
        sources[lst] = {"date": None if d is None else d.isoformat(), "age_days": age, "stale": age is None or age > max_age[KIND[lst]]}

    headlines = {}
    for kid, points in out.items():
        missing = [lst for lst in KPI_SOURCES[kid] if lst not in on_hand]
        basis = BASIS[kid]
        for p in points:
            if missing:
                # No extract at all on or before D: the data is missing, not a zero.
                p.update({"value": None, "numerator": None, "denominator": None, "null_reason": "missing: " + ", ".join(missing)})
            e = date.fromisoformat(p["period_end"])
            p["provisional"] = basis == "month" and e == as_of and e != month_end(e.year, e.month)
            p["status"] = "none" if p["provisional"] else rag(kid, p["value"])
        head_end = as_of
        if basis == "month" and as_of != month_end(as_of.year, as_of.month):
            head_end = date(as_of.year, as_of.month, 1) - timedelta(days=1)
        head = next(p for p in points if p["period_end"] == head_end.isoformat())
        if basis == "month":
            start = date(head_end.year, head_end.month, 1)
        elif basis == "trailing_12_months":
            start = minus_12_months(head_end) + timedelta(days=1)
        else:
            start = head_end
        headlines[kid] = {
            "basis": basis,
            "period_start": start.isoformat(),
            "period_end": head_end.isoformat(),
            "value": head["value"],
            "numerator": head["numerator"],
            "denominator": head["denominator"],
            "status": head["status"],
            "stale": any(sources[lst]["stale"] for lst in KPI_SOURCES[kid] if lst in sources),
        }

    return {
        "as_of": as_of.isoformat(),
        "period_ends": [e.isoformat() for e in ends],
        "kpis": out,
        "headlines": headlines,
        "sources": sources,
    }


# kpis.md v2: each KPI's basis ("month": a cohort of the month ending E; "at_date": a state at E;
# "trailing_12_months": a cohort of the 12 months ending E).
BASIS = {
    "plo_avg_weeks": "trailing_12_months",
    "plo_within_26_weeks_pct": "trailing_12_months",
    "cin_without_plan_6wk": "at_date",
    "assessments_within_45wd_pct": "month",
    "re_referral_12m_pct": "month",
    "cp_repeat_plan_pct": "trailing_12_months",
    "closures_signoff_pct": "month",
    "avg_caseload": "at_date",
    "agency_rate_fte_pct": "at_date",
    "agency_avg_stay_weeks": "trailing_12_months",
    "turnover_rate_fte_pct": "trailing_12_months",
    "frontline_per_manager": "at_date",
    "induction_completed_pct": "trailing_12_months",
    "audits_good_or_better_pct": "month",
    "audits_completed_by_managers_pct": "month",
    "assessment_quality_good_pct": "month",
    # From the other Annex A lists (v2).
    "icpc_within_15wd_pct": "month",
    "cla_3plus_placements_pct": "at_date",
    "care_leavers_eet_pct": "at_date",
    "care_leavers_suitable_accommodation_pct": "at_date",
}

# The lists each definition in the catalogue reads.
KPI_SOURCES = {
    "plo_avg_weeks": ["care_proceedings"],
    "plo_within_26_weeks_pct": ["care_proceedings"],
    "cin_without_plan_6wk": ["children_in_need"],
    "assessments_within_45wd_pct": ["assessments"],
    "re_referral_12m_pct": ["referrals"],
    "cp_repeat_plan_pct": ["child_protection"],
    "closures_signoff_pct": ["case_closures"],
    "avg_caseload": ["children_in_need", "workforce"],
    "agency_rate_fte_pct": ["workforce"],
    "agency_avg_stay_weeks": ["workforce"],
    "turnover_rate_fte_pct": ["workforce"],
    "frontline_per_manager": ["workforce"],
    "induction_completed_pct": ["workforce"],
    "audits_good_or_better_pct": ["audits"],
    "audits_completed_by_managers_pct": ["audits"],
    "assessment_quality_good_pct": ["audits"],
    "icpc_within_15wd_pct": ["section_47"],
    "cla_3plus_placements_pct": ["children_looked_after"],
    "care_leavers_eet_pct": ["care_leavers"],
    "care_leavers_suitable_accommodation_pct": ["care_leavers"],
}
KIND = {**{lst: "case-system" for lst in CASE_LISTS}, "workforce": "hr", "audits": "audits"}
# Freshness defaults (kpis.md v2), overridable with --freshness (the project's config/freshness.json shape).
DEFAULT_MAX_AGE = {"case-system": 7, "hr": 45, "audits": 100}
max_age = dict(DEFAULT_MAX_AGE)

# The catalogue's target / RAG column: (polarity, target, amber bound, amber bound strict).
TARGETS = {
    "plo_avg_weeks": ("lower", 26, 30, True),  # green ≤ 26, amber < 30, red ≥ 30
    "plo_within_26_weeks_pct": ("higher", 75, 60, False),
    "cin_without_plan_6wk": ("lower", 0, 50, False),
    "assessments_within_45wd_pct": ("higher", 85, 75, False),
    "re_referral_12m_pct": ("lower", 22, 25, False),
    "cp_repeat_plan_pct": ("lower", 20, 25, False),
    "closures_signoff_pct": ("higher", 100, 90, False),
    "avg_caseload": ("lower", 18, 20, False),
    "agency_rate_fte_pct": ("lower", 15, 20, False),
    "agency_avg_stay_weeks": ("higher", None, None, False),
    "turnover_rate_fte_pct": ("lower", 15, 18, False),
    "frontline_per_manager": ("lower", 5, 6, False),
    "induction_completed_pct": ("higher", 100, 90, False),
    "audits_good_or_better_pct": ("higher", 60, 45, False),
    "audits_completed_by_managers_pct": ("higher", 100, 90, False),
    "assessment_quality_good_pct": ("higher", 100, 80, False),
    "icpc_within_15wd_pct": ("higher", 80, 70, False),
    "cla_3plus_placements_pct": ("lower", 10, 12, False),
    "care_leavers_eet_pct": ("higher", 60, 50, False),
    "care_leavers_suitable_accommodation_pct": ("higher", 90, 85, False),
}


def rag(kid: str, value) -> str:
    """green / amber / red / none (no target, or no value); polarity higher: green when ≥ target."""
    polarity, target, amber, strict = TARGETS[kid]
    if value is None or target is None:
        return "none"
    v = Decimal(str(value))
    better = (lambda a, b: a >= b) if polarity == "higher" else (lambda a, b: a <= b)
    if better(v, target):
        return "green"
    if amber is not None:
        if strict:
            ok = v > amber if polarity == "higher" else v < amber
        else:
            ok = better(v, amber)
        if ok:
            return "amber"
    return "red"


KPI_IDS = [
    "plo_avg_weeks",
    "plo_within_26_weeks_pct",
    "cin_without_plan_6wk",
    "assessments_within_45wd_pct",
    "re_referral_12m_pct",
    "cp_repeat_plan_pct",
    "closures_signoff_pct",
    "avg_caseload",
    "agency_rate_fte_pct",
    "agency_avg_stay_weeks",
    "turnover_rate_fte_pct",
    "frontline_per_manager",
    "induction_completed_pct",
    "audits_good_or_better_pct",
    "audits_completed_by_managers_pct",
    "assessment_quality_good_pct",
    "icpc_within_15wd_pct",
    "cla_3plus_placements_pct",
    "care_leavers_eet_pct",
    "care_leavers_suitable_accommodation_pct",
]
AUDIT_KPIS = {"audits_good_or_better_pct", "audits_completed_by_managers_pct", "assessment_quality_good_pct"}


def main(argv: list[str] | None = None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--landing", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--bank-holidays", default=os.path.join(root, "reference", "bank-holidays-england-and-wales.csv"))
    ap.add_argument("--mappings", default=os.path.join(root, "config", "code-mappings.json"))
    ap.add_argument("--skip-xlsx", action="store_true", help="ignore .xlsx audit workbooks (audit KPIs then omitted)")
    ap.add_argument("--freshness", default=None, help="maximum source ages, {\"max_age_days\": {\"case-system\": 7, \"hr\": 45, \"audits\": 100}}")
    a = ap.parse_args(argv)
    as_of = date.fromisoformat(a.as_of)
    if a.freshness:
        with open(a.freshness, encoding="utf-8") as f:
            max_age.update(json.load(f)["max_age_days"])
    res = compute(a.landing, as_of, a.bank_holidays, a.mappings, a.skip_xlsx)
    if a.skip_xlsx:
        for k in AUDIT_KPIS:
            res["kpis"].pop(k, None)
            res["headlines"].pop(k, None)
    json.dump(res, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
