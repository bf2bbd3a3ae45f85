"""School report metrics, with the formulas Russian school reports use.

* успеваемость % = (n5 + n4 + n3) × 100 / N
* качество %     = (n5 + n4) × 100 / N
* СОУ %          = (n5·100 + n4·64 + n3·36 + n2·16 + nн/а·7) / N
* N = students in the group − exempt (``осв``); ``н/а`` stays in N, and so does a student
  with no result at all (they are not assessed either).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Metrics:
    students: int          # N
    n5: int
    n4: int
    n3: int
    n2: int
    not_assessed: int      # н/а (and no result)
    exempt: int            # осв
    average: float | None  # mean of the 2–5 results
    success: float | None  # успеваемость, %
    quality: float | None  # качество, %
    sou: float | None      # степень обученности, %

    def row(self) -> list:
        return [self.students, self.n5, self.n4, self.n3, self.n2, self.not_assessed, self.exempt,
                self.average, self.success, self.quality, self.sou]


HEADERS = ["N", "«5»", "«4»", "«3»", "«2»", "н/а", "осв", "Средний балл", "Успеваемость, %", "Качество, %", "СОУ, %"]


def metrics(results: list[str | None]) -> Metrics:
    """Metrics of one group from each student's result (``5``…``2``, ``н/а``, ``осв`` or None)."""
    counts = Counter(results)
    exempt = counts["осв"]
    n5, n4, n3, n2 = counts["5"], counts["4"], counts["3"], counts["2"]
    not_assessed = len(results) - exempt - n5 - n4 - n3 - n2
    students = len(results) - exempt
    graded = n5 + n4 + n3 + n2
    average = round((5 * n5 + 4 * n4 + 3 * n3 + 2 * n2) / graded, 2) if graded else None
    if not students:
        return Metrics(0, n5, n4, n3, n2, not_assessed, exempt, average, None, None, None)
    return Metrics(students, n5, n4, n3, n2, not_assessed, exempt, average,
                   round((n5 + n4 + n3) * 100 / students, 1), round((n5 + n4) * 100 / students, 1),
                   round((n5 * 100 + n4 * 64 + n3 * 36 + n2 * 16 + not_assessed * 7) / students, 1))
