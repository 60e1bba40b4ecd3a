"""The directory of local groups, activities and services: search (search_views), keeping
listings true (listing_views), closing the loop on signposts (loop_views) and open data in and
out (feed_views, importer)."""
