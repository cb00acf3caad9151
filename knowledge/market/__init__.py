"""Market data: daily price bars, the move of a session, and a chart of it.

In: bars from a provider (CSV files in the common Yahoo/Stooq layout, or Tiingo's end-of-day API).
Out: bars in the catalog, a `Move` computed from them (never by a model), and a PNG chart.
"""
