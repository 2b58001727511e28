"""Files made for people to keep (the organisers' chart and CSV export), from plain data."""
