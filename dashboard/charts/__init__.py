"""Pure chart builders, one module per chart family: a Polars frame in, a Plotly figure out. No Streamlit, no
queries. `style` holds the shared look (template, colours, unit scaling, number formats)."""
