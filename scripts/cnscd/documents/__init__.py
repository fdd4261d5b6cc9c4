"""A commune's paperwork generated from the data: the decision draft with its roster annex, the periodic report."""
