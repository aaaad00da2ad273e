"""The dashboard's reads: `connection` (the warehouse file, attached read-only, and the result cache) and one
module per page (`catalog` for what every page shares), each function one query over the documented views."""
