"""Compare the weighted average as the period sheet, the diary, the week summary and the report
card give it, for every student × subject of the period holding a week (default 2026-W48).

    python benchmarks/compare_averages.py /tmp/avg-demo [2026-W48]

Prints one line per student × subject where the paths disagree, then a tally. Works only through
the public entry points, so it runs the same before and after the paths are merged.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from pathlib import Path

from zhurnal.core.settings import load_settings
from zhurnal.publish.report_card import report_cards
from zhurnal.publish.summary_data import period_summary, week_summary
from zhurnal.publish.week_data import load_week
from zhurnal.school.averages import class_averages
from zhurnal.school.calendar import parse_week
from zhurnal.school.context import find_school
from zhurnal.store import open_store

PATHS = ("sheet", "card", "sheet_to_week", "diary", "summary")
# the period sheet and the report card cover the whole period; the diary and the week summary
# the period up to the week's end: each is compared with the sheet's rule over its own range
SAME_RANGE = (("sheet", "card"), ("sheet_to_week", "diary", "summary"))


def _r(value):
    return round(value, 2) if value is not None else None


def compare(workspace: Path, week_text: str) -> list[tuple]:
    settings = load_settings(workspace)
    engine = open_store(settings.store_url)
    week = parse_week(week_text)
    rows: dict[tuple, dict] = {}
    school_id = find_school(engine, settings.school.code)
    with engine.connect() as conn:
        data = load_week(conn, school_id, week, settings)
        school = data.school
        summary = week_summary(conn, school, settings, week)
        codes = {school.calendar.period(week.sunday, cls["grade"]) or school.calendar.period(week.monday, cls["grade"])
                 for cls in school.classes.values()}
        cards = {}
        for code in sorted(c for c in codes if c):
            cards.update(report_cards(conn, period_summary(conn, school, settings, code), school.calendar.period_row(code)))
        # 1. the period sheet (reference): what issue_period shows for each section
        for section in school.load:
            cls = school.classes[section.class_code]
            code = school.calendar.period(week.sunday, cls["grade"])
            period = school.calendar.period_row(code) if code else None
            if period is None or not cls["has_marks"] or school.subjects[section.subject]["scale"] != "5":
                continue
            for label, end in (("sheet", period["end"]), ("sheet_to_week", min(period["end"], week.sunday))):
                found = class_averages(conn, school_id, section.class_code, period["start"], end,
                                       settings=settings.marks, subject=section.subject)
                stats = found[section.subject].as_stats() if section.subject in found else {}
                for st in school.section_students(section):
                    average, count, _ = stats.get(st["id"], (None, 0, "н/а"))
                    rows.setdefault((section.class_code, st["id"], section.subject), {})[label] = (_r(average), count)
    # 2. the diary
    for code in school.classes:
        for st in school.class_students(code):
            for item in data.diary(st["id"])["averages"]:
                rows.setdefault((code, st["id"], item["subject"]), {})["diary"] = (item["average"], item["count"])
                rows[(code, st["id"], item["subject"])]["class_avg_diary"] = item["class_average"]
    # 3. the week summary and the report card
    for result in summary.results:
        rows.setdefault((result.class_code, result.student_id, result.subject), {})["summary"] = (
            _r(result.average), result.count)
    for sid, card in cards.items():
        for item in card["subjects"]:
            if school.subjects[item["subject"]]["scale"] == "5":
                rows.setdefault((card["class"], sid, item["subject"]), {})["card"] = (item["average"], item["count"])
    ranges = sum(1 for v in rows.values() if v.get("sheet") != v.get("sheet_to_week"))
    found = []
    for key, values in sorted(rows.items()):
        if any(len({values.get(p, "—") for p in same}) > 1 for same in SAME_RANGE):
            found.append((key, school.students[key[1]]["full_name"], values))
    # class averages: the diary's against the mean of the sheet's (unrounded) averages, to the week's end,
    # of the class's current students
    by_class: dict[tuple, list] = {}
    for (class_code, _sid, subject), values in rows.items():
        by_class.setdefault((class_code, subject), [])
        if "class_avg_diary" in values:
            by_class[(class_code, subject)].append(values["class_avg_diary"])
    classes = []
    with engine.connect() as conn:
        for (class_code, subject), shown in sorted(by_class.items()):
            code = school.calendar.period(week.sunday, school.grade(class_code))
            period = school.calendar.period_row(code)
            averaged = class_averages(conn, school_id, class_code, period["start"], min(period["end"], week.sunday),
                                      settings=settings.marks, subject=subject)
            stats = averaged[subject].as_stats() if subject in averaged else {}
            roster = {st["id"] for st in school.class_students(class_code)}
            known = [a for sid, (a, n, _) in stats.items() if sid in roster and a is not None]
            sheet_mean = round(math.fsum(known) / len(known), 2) if known else None   # exact, whatever the order
            if set(shown) != {sheet_mean}:
                classes.append((class_code, subject, sorted(set(shown), key=str), sheet_mean))
    return found, classes, ranges


def main() -> None:
    workspace = Path(sys.argv[1])
    week = sys.argv[2] if len(sys.argv) > 2 else "2026-W48"
    found, classes, ranges = compare(workspace, week)
    kinds = Counter()
    for (class_code, sid, subject), name, values in found:
        present = tuple(p for p in PATHS if p in values)
        kinds[present] += 1
        print(f"{class_code} {sid} {name} · {subject}: "
              + "; ".join(f"{p}={values.get(p, '—')}" for p in PATHS))
    print(f"\n{len(found)} student × subject pairs differ for the same range"
          f" ({ranges} differ between the whole period and the period up to the week's end)")
    for present, n in kinds.most_common():
        print(f"  present in {', '.join(present)}: {n}")
    for class_code, subject, shown, sheet_mean in classes:
        print(f"class average {class_code} · {subject}: diary={shown}; mean of the sheet's averages={sheet_mean}")
    print(f"{len(classes)} class × subject class averages differ")


if __name__ == "__main__":
    main()
