"""The one MetaData of the store and the columns many tables share."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData

metadata = MetaData()


def _school(key: bool = True) -> Column:
    """The owning school; part of the primary key where the rest of the key is natural."""
    return Column("school_id", Integer, ForeignKey("schools.id"), nullable=False, index=True,
                  primary_key=key)



def _dates_and_grades() -> list[Column]:
    """From ``start`` to ``end`` (both included), for grades ``grade_from``…``grade_to``."""
    return [Column("start", Date, nullable=False), Column("end", Date, nullable=False),
            Column("grade_from", Integer, nullable=False), Column("grade_to", Integer, nullable=False)]
