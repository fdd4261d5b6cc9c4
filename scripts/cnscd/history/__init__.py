"""History of the data from git: roster changes per commune, last-updated dates, an Atom feed per province."""
