"""Check rows: each input kind's rules, raw text in, warehouse-shaped rows and row-level issues out."""
