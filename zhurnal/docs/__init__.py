"""The school's paperwork drafted from the workspace (issue 29): the regulation on keeping the
electronic journal (:mod:`~zhurnal.docs.regulation`), the page for the school's site
(:mod:`~zhurnal.docs.site`), the guides for each role (:mod:`~zhurnal.docs.guides`), and the
health check and support bundle (:mod:`~zhurnal.docs.doctor`, :mod:`~zhurnal.docs.bundle`).

Every number a document states is read from ``zhurnal.toml`` and the store at generation time
(:mod:`~zhurnal.docs.facts`), so a document regenerated after a setting changed says the new value.
Documents are Russian whatever the command line's locale (as the diaries are).
"""
