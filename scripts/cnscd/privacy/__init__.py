"""Personal-data duties that act on files and history: erasure, the consent form, withdrawal."""
