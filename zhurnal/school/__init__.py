"""The school's own rules: its calendar, enrolment, marks and averages, its snapshot."""
