-- blocking: false
-- description: expectations published after the period they predict (flagged: an 'expectation' known after the fact is not a forecast)
-- One row per such expectation: figure_id, kind, period, as_of.
select figure_id, kind, period, as_of
from figures
where is_expectation and as_of > period_end
