"""Community engagement: events and outreach (event_views), the live tally at the stall
(stall_views), group courses and stories (course_views, story_views), partners
(partner_views) and volunteers' records (volunteer_views)."""
