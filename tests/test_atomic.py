"""Output files are written whole or not at all, and a killed writer's partial copy does not
stay beside the file once it is written again."""

from __future__ import annotations

import pytest

from zhurnal.core.atomic import write_bytes


def test_a_partial_copy_left_by_a_killed_writer_goes_when_the_file_is_written(tmp_path):
    folder = tmp_path / "outbox" / "feedback" / "Иванова_Анна"
    folder.mkdir(parents=True)
    target = folder / "журнал [копия]_ошибки.xlsx"          # glob's special characters in the name
    (folder / f"{target.name}.4711.partial").write_bytes(b"half")
    other = folder / "другой_ошибки.xlsx.4711.partial"       # another file's: not this write's business
    other.write_bytes(b"half")
    write_bytes(target, b"whole")
    assert sorted(p.name for p in folder.iterdir()) == sorted([target.name, other.name])
    assert target.read_bytes() == b"whole"


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path):
    from zhurnal.core.atomic import writing
    target = tmp_path / "Сводка.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with writing(target) as partial:
            partial.write_bytes(b"ne")
            raise RuntimeError("the library failed halfway")
    assert [p.name for p in tmp_path.iterdir()] == ["Сводка.xlsx"] and target.read_bytes() == b"old"
