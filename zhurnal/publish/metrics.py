"""School report metrics, with the formulas Russian school reports use.

Per group of subject results (a class × subject, a teacher), from each pupil's result:

* успеваемость % = (n5 + n4 + n3) × 100 / N
* качество %     = (n5 + n4) × 100 / N
* СОУ %          = (n5·100 + n4·64 + n3·36 + n2·16 + nн/а·7) / N

Per class, counted by pupils (each pupil once, by all their subject results, pass/fail included):

* отличники: every result «5»; хорошисты: «4» and «5», at least one «4»; с одной «3»: one «3»,
  the rest «4»/«5»; с «3»: two «3» or more, no «2»; неуспевающие: a «2» (or «1») or «незач»;
  н/а: not assessed in a subject and no «2» («зач» passes; ``осв`` is left out of the pupil's
  results);
* успеваемость % = (N − неуспевающие − н/а) × 100 / N
* качество %     = (отличники + хорошисты) × 100 / N
* СОУ по ученикам % = (отличники·100 + хорошисты·64 + с «3»·36 + неуспевающие·16 + н/а·7) / N,
  the same weights as above given to each pupil by their group («с одной «3»» weighs 36);
* СОУ по отметкам % = the subject rows' СОУ over every pupil × subject result of the class (each
  result once, pass/fail results left out, N as for a subject group): the usual «степень
  обученности учащихся» of В. П. Симонов (100/64/36/16/7 for «5»/«4»/«3»/«2»/н/а, the shares of
  mastery 1, 0.64, 0.36, 0.16, 0.07 as «Сетевой Город» publishes the formula:
  http://lyc.zelenogorsk.ru:8083/Help/formulas.htm, «Формулы показателей успеваемости»). The
  by-pupil figure is a different number (a pupil with one «3» weighs 36 whatever their other
  marks), so both are shown, each labelled.

N, by ``[metrics] n_rule`` (default ``marked``, the way Сетевой Город's published formulas
count, as issue 13 reports them: pupils without any mark and pupils who left before the count
are not in N): the pupils enrolled at the report's date (:mod:`zhurnal.school.enrolment`; a pupil who left before the count is not in the report
at all), minus the exempt (``осв``), minus — under ``marked`` — those with no mark at all in the
subject (a pupil with no result in any subject is out of the class's N). Under ``enrolled`` a
pupil with no marks counts as н/а and stays in N (zhurnal's rule before issue 13). A period mark
н/а the teacher set is a result either way: that pupil stays in N.

«Мало отметок» (``FEW``): during an open period the weekly summary's running figures do not
call a pupil with fewer marks than the minimum н/а — н/а belongs to a closed period and the
period report. Such results are out of N, counted apart; a pupil's «мало отметок» subjects are
left out of their class result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

FEW = "мало"            # a running result with fewer marks than the minimum (not н/а yet)
NOT_ASSESSED = "н/а"
EXEMPT = "осв"
FAILED = ("1", "2", "незач")
RULES = ("marked", "enrolled")


@dataclass(frozen=True)
class Metrics:
    students: int          # N
    n5: int
    n4: int
    n3: int
    n2: int
    not_assessed: int      # н/а (and, under the «enrolled» rule, no result)
    exempt: int            # осв
    average: float | None  # mean of the 2–5 results
    success: float | None  # успеваемость, %
    quality: float | None  # качество, %
    sou: float | None      # степень обученности, %
    unmarked: int = 0      # no mark at all (out of N under the «marked» rule)
    few: int = 0           # мало отметок (running figures; out of N)

    def row(self, *, few: bool = False) -> list:
        return [self.students, self.n5, self.n4, self.n3, self.n2, self.not_assessed, self.exempt,
                self.average, self.success, self.quality, self.sou, self.unmarked, *([self.few] if few else [])]


HEADERS = ["N", "«5»", "«4»", "«3»", "«2»", "н/а", "осв", "Средний балл", "Успеваемость, %", "Качество, %", "СОУ, %",
           "Без отметок (вне N)"]
FEW_HEADER = "Мало отметок (вне N)"


def _percent(value: float) -> float:
    return round(value, 1)


def metrics(results: Iterable[str | None], *, rule: str = "marked") -> Metrics:
    """Metrics of one group from each pupil's result (``5``…``2``, ``н/а``, ``осв``, :data:`FEW`,
    or None: no mark at all); ``rule`` is ``[metrics] n_rule``."""
    results = list(results)
    counts = Counter(results)
    exempt, few, unmarked = counts[EXEMPT], counts[FEW], counts[None]
    n5, n4, n3, n2 = counts["5"], counts["4"], counts["3"], counts["2"] + counts["1"]
    not_assessed = counts[NOT_ASSESSED] + (unmarked if rule == "enrolled" else 0)
    students = n5 + n4 + n3 + n2 + not_assessed
    graded = n5 + n4 + n3 + n2
    average = round((5 * n5 + 4 * n4 + 3 * n3 + 2 * n2) / graded, 2) if graded else None
    out = {"unmarked": unmarked if rule == "marked" else 0, "few": few}
    if not students:
        return Metrics(0, n5, n4, n3, n2, not_assessed, exempt, average, None, None, None, **out)
    return Metrics(students, n5, n4, n3, n2, not_assessed, exempt, average,
                   _percent((n5 + n4 + n3) * 100 / students), _percent((n5 + n4) * 100 / students),
                   _percent((n5 * 100 + n4 * 64 + n3 * 36 + n2 * 16 + not_assessed * 7) / students), **out)


# ---- a class by pupils --------------------------------------------------------------------

EXCELLENT, GOOD, ONE_THREE, THREES, FAILING, UNMARKED = "отличник", "хорошист", "одна3", "тройки", "неуспевающий", "—"


def pupil_group(results: Iterable[str | None], *, rule: str = "marked") -> str:
    """Which group a pupil falls in by their subject results (see the module's docstring):
    :data:`EXCELLENT`, :data:`GOOD`, :data:`ONE_THREE`, :data:`THREES`, :data:`FAILING`,
    ``н/а`` or :data:`UNMARKED` (no result that counts: out of N)."""
    kept = [r for r in results if r not in (EXEMPT, FEW)]
    kept = [NOT_ASSESSED if r is None and rule == "enrolled" else r for r in kept if r is not None or rule == "enrolled"]
    if any(r in FAILED for r in kept):
        return FAILING
    if NOT_ASSESSED in kept:
        return NOT_ASSESSED
    numeric = [r for r in kept if r in ("3", "4", "5")]
    if not numeric:
        return UNMARKED
    threes = numeric.count("3")
    if threes:
        return ONE_THREE if threes == 1 else THREES
    return EXCELLENT if set(numeric) == {"5"} else GOOD


@dataclass(frozen=True)
class PupilMetrics:
    """A class's results counted by pupils."""

    enrolled: int          # pupils enrolled at the report's date (with marks in the class)
    students: int          # N
    excellent: int         # отличники
    good: int              # хорошисты
    one_three: int         # с одной «3»
    threes: int            # с «3» (two or more)
    failing: int           # неуспевающие
    not_assessed: int      # н/а
    unmarked: int          # no result that counts (out of N)
    few: int               # with «мало отметок» in some subject (running figures)
    success: float | None
    quality: float | None
    sou: float | None      # СОУ by pupils' groups, %
    sou_marks: float | None = None   # СОУ over the class's pupil × subject results, %

    def row(self) -> list:
        return [self.enrolled, self.students, self.excellent, self.good, self.one_three, self.threes, self.failing,
                self.not_assessed, self.unmarked, self.few, self.success, self.quality, self.sou, self.sou_marks]


SOU_PUPILS, SOU_MARKS = "СОУ по ученикам, %", "СОУ по отметкам, %"
PUPIL_HEADERS = ["Учеников", "N", "Отличники", "Хорошисты", "С одной «3»", "С «3»", "Неуспевающие", "н/а",
                 "Без отметок (вне N)", "С «мало отметок»", "Успеваемость, %", "Качество, %", SOU_PUPILS, SOU_MARKS]


def pupil_metrics(pupils: Iterable[Iterable[str | None]], *, rule: str = "marked") -> PupilMetrics:
    """A class by pupils from each pupil's subject results (as :func:`metrics` takes them)."""
    pupils = [list(results) for results in pupils]
    groups = Counter(pupil_group(results, rule=rule) for results in pupils)
    few = sum(1 for results in pupils if FEW in results)
    excellent, good, one_three, threes = groups[EXCELLENT], groups[GOOD], groups[ONE_THREE], groups[THREES]
    failing, not_assessed = groups[FAILING], groups[NOT_ASSESSED]
    students = len(pupils) - groups[UNMARKED]
    base = (len(pupils), students, excellent, good, one_three, threes, failing, not_assessed, groups[UNMARKED], few)
    by_marks = metrics((r for results in pupils for r in results), rule=rule).sou
    if not students:
        return PupilMetrics(*base, None, None, None, by_marks)
    return PupilMetrics(*base, _percent((students - failing - not_assessed) * 100 / students),
                        _percent((excellent + good) * 100 / students),
                        _percent((excellent * 100 + good * 64 + (one_three + threes) * 36 + failing * 16
                                  + not_assessed * 7) / students), by_marks)
