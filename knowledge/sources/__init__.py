"""Sources and fetching: where documents come from.

In: a source row (a path, an RSS/Atom feed, a web page, a company's SEC filings). Out: `Document`
records with their metadata, or one-sentence errors. Network access goes through one fetcher that
times out, retries, paces and refuses internal addresses.
"""
