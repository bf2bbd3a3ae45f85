"""Every sentence people read: the finding catalogue, gettext, Russian numbers and plurals."""
