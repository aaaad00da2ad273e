-- value_text(value, unit): a figure as the alert messages write it: 'USD 1.23 bn' for USD, else
-- '<4 significant digits> <unit>'. A temporary macro, created in the build's connection before
-- sql/alerts/new_alerts.sql runs.
create or replace temp macro value_text(value, unit) as
    case when unit = 'USD' then format('USD {:.2f} bn', value / 1e9) else format('{:.4g} {}', value, unit) end
