"""Operator-scale path: order-level Parquet -> monthly actual figures (gmv, net_gmv, orders) by region."""
