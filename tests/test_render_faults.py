"""A panic inside Typst costs one document, not the publish (issue 24.1, native libraries on
submitted text): pupils' text reaches Typst as data only, and pikepdf opens only Typst's PDFs."""

from __future__ import annotations

import typst

from zhurnal.publish.diary import DiaryRenderer, RenderError, template_path


class Panic(BaseException):
    """What pyo3 raises for a Rust panic: not an Exception."""


def test_a_panicking_compile_is_that_documents_error_and_the_next_one_renders(tmp_path, monkeypatch):
    renderer = DiaryRenderer(template_path(tmp_path, "report_card.typ"))
    real = typst.Compiler
    made = []

    class Panicky:
        def __init__(self, *args, **kwargs):
            made.append(self)
            self.inner = real(*args, **kwargs)

        def compile(self, **kwargs):
            if len(made) == 1:
                raise Panic("index out of bounds: the len is 0 but the index is 3")
            return self.inner.compile(**kwargs)

    monkeypatch.setattr(typst, "Compiler", Panicky)
    failed = renderer.render_one({"student": "Иванов Иван"})
    assert isinstance(failed, RenderError) and "Panic" in str(failed)
    assert len(made) == 1
    # the next document gets a fresh compiler; whatever it says of this data, it is no panic
    second = renderer.render_one({"student": "Иванов Иван"})
    assert len(made) == 2 and "Panic" not in str(second)
