"""The school year: year, exam and final marks, pupil movement, results by pupil, and the year's
close with its archive. One module a job (see each module's docstring)."""
