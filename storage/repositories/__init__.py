"""Every query lives here, and every query on workspace data filters by `team_id`."""
