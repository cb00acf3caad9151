"""Text tools every stage shares.

In: raw strings (questions, document text). Out: the language they are in, stemmed search terms,
and the companies they name as canonical tickers.
"""
