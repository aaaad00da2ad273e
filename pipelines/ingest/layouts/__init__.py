"""Spreadsheet layouts: read the files analysts keep (months as columns, actual and estimate side by side,
long tables) into canonical figure rows, each with the sheet and cell it came from.

- `spec`: the TOML layout file (`load_layout`, `LayoutError`);
- `grid`: workbooks and CSV files as grids with real cell addresses;
- `headers`: header rows and period headers;
- `engine`: the three shapes (`read_with_layout`);
- `phasing`: annual expectations to months;
- `discovery`: which layout belongs to which data file;
- `guess`: propose a layout for a spreadsheet.
"""
