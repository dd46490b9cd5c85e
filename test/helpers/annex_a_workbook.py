#!/usr/bin/env python3
"""Writes an Ofsted Annex A workbook the way another team's tool would, knowing nothing of csc-kpi.

One sheet per list ("List 1" ... "List 11"), each with the current Ofsted headings exactly as
councils' workbooks carry them (spec annex-a-headers.md, copied verbatim: "Age", "Date of
Referral", doubled brackets, "(Y/N)" markers), plus a "Guidance" sheet. Cell values are chosen
from the heading's words alone: dates as real date cells (serial numbers with a date format),
identifiers and counts as numbers, codes with their Annex A letter prefix. The package is laid out
as openpyxl lays it out (sheets first, the workbook part last). Standard library only.

Usage: annex_a_workbook.py OUT.xlsx [ROWS]
"""
import datetime as dt
import sys
import zipfile
from xml.sax.saxutils import escape

HEADINGS = {
    1: "Child Unique ID · Gender · Ethnicity · Date of Birth · Age · Date of Contact · Contact Source",
    2: "Child Unique ID · Gender · Ethnicity · Date of Birth · Age · Assessment start date · Assessment completion date · Organisation completing assessment",
    3: "Child Unique ID · Gender · Ethnicity · Date of Birth · Age · Date of Referral · Referral Source · Referral NFA? · Number of Referrals in Last 12 Months · Allocated Team · Allocated Worker",
    4: "Child Unique ID · Gender · Ethnicity · Date of Birth · Age · Does the Child have a Disability · Continuous Assessment Start Date · Child Seen During Continuous Assessment · Continuous Assessment Date of Authorisation · Was the child assessed as requiring LA children's social care support? · Allocated Team · Allocated Worker",
    5: "Child Unique ID · Gender · Ethnicity · Date of Birth · Age · Does the Child have a Disability · Strategy discussion initiating Section 47 Enquiry Start Date · Was an Initial Child Protection Conference deemed unnecessary? · Date of Initial Child Protection Conference · Did the Initial Child Protection Conference Result in a Child Protection Plan · Number of Section 47 Enquiries in the last 12 months · Number of ICPCs in the last 12 months · Allocated Team · Allocated Worker",
    6: "Child Unique ID · Gender · Ethnicity · Date of Birth · Age · Does the Child have a Disability · CIN Start Date · Primary Need Code · Date Child Was Last Seen · CIN Closure Date · Reason for Closure · Case Status · Allocated Team · Allocated Worker",
    7: "Child Unique ID · Gender · Ethnicity · Date of Birth · Age · Does the Child have a Disability · Child Protection Plan Start Date · Initial Category of Abuse · Latest Category of Abuse · Date of the Last Statutory Visit · Was the Child Seen Alone? · Date of latest review conference · Child Protection Plan End Date · Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N) · Number of Previous Child Protection Plans · Allocated Team · Allocated Worker",
    8: "Child Unique ID · Gender · Ethnicity · Date of Birth · Age · Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)) · Does the Child have a Disability · Date Started to be Looked After · Child's Category of Need · Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N) · Start date of current legal status · Child's Legal Status · Date of Latest Statutory Review · Date of Last Social Work Visit · What is the permanence plan for this child? · Date of Last IRO Visit / Contact to the Child · Date of Last Health Assessment · Date of Last Dental Check · Number of Placements in the Last 12 months · Date Ceased to be Looked After · Reason Ceased to be Looked After · Start Date of Most Recent Placement · Placement Type · Placement Provider · Placement postcode · URN of Placement · Placement Location · LA of Placement · Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months · Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months · Was the child offered a Return Interview after their last missing episode (Y/N)? · Did the child accept a Return Interview after their last missing episode (Y/N)? · Allocated Team · Allocated Worker",
    9: "Child Unique ID · Gender · Ethnicity · Date of Birth · Age · Does the Child have a Disability · Allocated Team · Allocated Worker · Eligibility Category · LA in Touch · Type of Accommodation · Suitability of Accommodation · Activity Status",
    10: "Child Unique ID · Family identifier · Gender · Ethnicity · Date of Birth · Age of Child (Years) · Does the Child have a Disability · Date the Child Entered Care · Date of Decision that Child Should be Placed for Adoption · Date of Placement Order · Date of Matching Child and Prospective Adopters · Date Placed for Adoption · Date of Adoption Order · Date of Decision that Child Should No Longer be Placed for Adoption · Reason Why Child No Longer Placed for Adoption · Date the child was placed for fostering in FFA or concurrent planning placement",
    11: "Individual adopter identifier · Family identifier · Gender · Ethnicity · Disability · Is the (prospective) adopter fostering for adoption? · Date enquiry received · Date Stage 1 started · Date Stage 1 ended · Date Stage 2 started · Date Stage 2 ended · Date application submitted · Date application approved · Date adopter matched with child(ren) · Date child/children placed with adopter(s) · No. of children placed · Date of Adoption Order · Date of leaving adoption process · Reason for leaving adoption process",
}

EPOCH = dt.date(1899, 12, 30)
FIRST = dt.date(2014, 1, 6)
STILL_OPEN = ("end", "ended", "ceased", "closure", "completion", "adoption order", "leaving", "no longer")


def value(heading, col, row):
    """A plausible value for a heading, from its words: (kind, value), kind 's' text, 'n' number, 'd' date."""
    h = heading.lower()
    if "identifier" in h or "unique id" in h:
        return ("n", 7961370 + 11 * row) if row % 2 == 0 else ("s", "C%06d" % (12345 + row))
    if h == "gender":
        return ("s", ["a) Male", "b) Female"][row % 2])
    if h == "ethnicity":
        return ("s", ["WBRI", "WIRI", "MWBC"][row % 3])
    if "date of birth" in h:
        return ("d", dt.date(2008 + row % 5, 1 + row % 12, 3 + row))
    if h in ("age", "age of child (years)"):
        return ("n", -1 if row == 0 else 2 + row)
    if "date" in h:
        if row == 4 and any(w in h for w in STILL_OPEN):
            return None  # still open
        return ("d", FIRST + dt.timedelta(days=10 * col + 3 * row))
    if h.startswith("number of") or h.startswith("no. of"):
        return ("n", row % 3)
    if "disability" in h:
        return ("s", ["b) No", "a) Yes"][row % 2])
    if "(y/n)" in h or h.startswith(("was ", "did ", "is ", "child seen")) or h.endswith("nfa?"):
        return ("s", ["Yes", "No", "a) Yes", "b) No", "Y", "N"][row % 6])
    if "source" in h:
        return ("s", ["1B) Police", "5A) School", "3A) GP"][row % 3])
    if "primary need" in h:
        return ("s", "N%d" % (row % 10))
    if "reason for closure" in h:
        return ("s", "RC%d" % (1 + row % 9)) if row != 4 else None
    if "case status" in h:
        return ("s", ["c) Child in need plan", "b) Child Protection plan", "e) Closed episode"][row % 3])
    if "category of abuse" in h:
        return ("s", ["Neglect", "Emotional abuse"][row % 2])
    if "activity status" in h:
        return ("s", ["F1: Full time in higher education", "G4: Not in education, training or employment"][row % 2])
    if "suitability" in h:
        return ("s", ["a) Suitable", "b) Unsuitable"][row % 2])
    if "allocated worker" in h:
        return ("n", 900 + row)
    if "allocated team" in h:
        return ("s", "Team %s" % "ABC"[row % 3])
    if "postcode" in h:
        return ("s", "AB1 2CD")
    return ("s", "Recorded %d" % row)


def column_name(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def sheet_xml(rows, strings):
    def sid(text):
        if text not in strings:
            strings[text] = len(strings)
        return strings[text]

    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, cells in enumerate(rows, start=1):
        out.append('<row r="%d">' % r)
        for c, cell in enumerate(cells):
            if cell is None:
                continue
            ref = "%s%d" % (column_name(c), r)
            kind, v = cell
            if kind == "s":
                out.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, sid(v)))
            elif kind == "d":
                out.append('<c r="%s" s="1"><v>%d</v></c>' % (ref, (v - EPOCH).days))
            else:
                out.append('<c r="%s"><v>%s</v></c>' % (ref, v))
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def main(path, n_rows):
    sheets = [("Guidance", [[("s", "Annex A: one sheet per list. Do not change the headings.")]])]
    for n, text in HEADINGS.items():
        headings = text.split(" · ")
        rows = [[("s", h) for h in headings]]
        rows += [[value(h, c, r) for c, h in enumerate(headings)] for r in range(n_rows)]
        sheets.append(("List %d" % n, rows))
    strings = {}
    parts = [("xl/worksheets/sheet%d.xml" % (i + 1), sheet_xml(rows, strings)) for i, (_, rows) in enumerate(sheets)]
    sst = "".join("<si><t>%s</t></si>" % escape(s) for s in strings)
    parts.append(("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), sst)))
    parts.append(("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'))
    sheet_tags = "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(name), i + 1, i + 1) for i, (name, _) in enumerate(sheets))
    parts.append(("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>%s</sheets></workbook>' % sheet_tags))
    rels = "".join('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet%d.xml"/>' % (i + 1, i + 1) for i in range(len(sheets)))
    rels += '<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' % (len(sheets) + 1)
    rels += '<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' % (len(sheets) + 2)
    parts.append(("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>' % rels))
    parts.append(("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
    overrides = "".join('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % (i + 1) for i in range(len(sheets)))
    parts.append(("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>%s</Types>' % overrides))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(zipfile.ZipInfo(name, date_time=(2015, 3, 31, 0, 0, 0)), text.encode("utf-8"), zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 6)
