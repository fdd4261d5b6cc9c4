"""The intake service: the site's forms POST here; submissions take the same path as `cnscd intake`."""
