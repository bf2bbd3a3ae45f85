"""``zhurnal fetch``: workbooks mailed to the school's mailbox, taken over IMAP into their
senders' own inbox folders (:mod:`zhurnal.fetch.imap`), and the answers to the senders
(:mod:`zhurnal.fetch.answer`)."""
