"""Parts of a page drawn by one call (the Scorecard's tiles, the Impact page's event card and estimates), so
that the page scripts under app_pages/ read as a description of the page."""
