-- Expectation kind -> its default policy (the one place it is chosen). Parameters: none.
select expectation_kind, default_policy from default_policies
