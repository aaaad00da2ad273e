-- Every event once (serve_events: a group of reports as its representative). Parameters: none.
-- Columns: as serve_events, in date order.
select * from serve_events order by date, event_id
