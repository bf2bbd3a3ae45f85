"""Parents' addresses a mail server refused for good (a 5xx), as the roster still has them.

A refused message is never tried again at the same address (:mod:`zhurnal.publish.send`), and a
later week is not mailed there either: the family's diary goes to the class's print bundle
instead, and the class teacher (on the bundle's cover) and the deputy (a sheet of the summary)
are told which roster row to mend. Once the roster gives the parent another address, the
refusal no longer counts and the family is mailed again (issue 24.2).
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from zhurnal.publish import ledger
from zhurnal.store import schema as s


def wrong_addresses(conn: Connection, school_id: int | None) -> dict[int, dict]:
    """Parent id → ``{parent, address, response, week, classes}`` for every parent whose
    current address (in the roster now) was refused for good: the newest refusal counts;
    ``classes`` are the parent's children's classes (sorted), the rosters to mend."""
    refused: dict[int, dict] = {}
    if school_id is None:
        return refused
    for row in ledger.refused_addresses(conn, school_id):     # oldest first: the newest wins
        if row["parent_id"] is not None:
            refused[row["parent_id"]] = row
    if not refused:
        return {}
    p, g, st = s.parents, s.guardianships, s.students
    found: dict[int, dict] = {}
    query = (select(p.c.id, p.c.full_name, p.c.email, st.c.class_code)
             .join(g, g.c.parent_id == p.c.id).join(st, st.c.id == g.c.student_id)
             .where(p.c.school_id == school_id, p.c.id.in_(list(refused))))
    for link in conn.execute(query).mappings():
        refusal = refused[link["id"]]
        if not link["email"] or ledger.addresses([link["email"]]) != refusal["address"]:
            continue                      # the roster changed the address since: try it
        entry = found.setdefault(link["id"], {"parent": link["full_name"], "address": link["email"],
                                             "response": refusal["response"] or "", "week": refusal["week"],
                                             "classes": []})
        if link["class_code"] and link["class_code"] not in entry["classes"]:
            entry["classes"].append(link["class_code"])
    for entry in found.values():
        entry["classes"].sort()
    return found
