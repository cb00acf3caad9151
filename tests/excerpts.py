"""Made-up report excerpts (no filing's text) that unit and integration tests share."""

# A second-quarter release: six months beside the quarter say which quarter it is.
SECOND_QUARTER_STATEMENT = """Widget Works Inc.
Condensed Consolidated Statements of Income
(In millions)
Three Months Ended Six Months Ended
June 30, June 30,
2031 2030 2031 2030
Net revenues $ 2,540 $ 2,422 $ 5,050 $ 4,900
"""

# Its five-quarter trend table, the days and years one per line as PDFs print them.
QUARTERLY_TREND = """Widget Works Inc.
Unaudited Supplemental Operating Data
Three Months Ended
June 30,
2031
March 31,
2031
December
31,
2030
September 30,
2030
June 30,
2030
(In millions, except percentages)
Gross Orders Volume (3)
U.S. $ 8,702 $ 9,010 $ 8,894 $ 8,699 $ 8,982
International $ 9,512 $ 9,400 $ 9,333 $ 9,016 $ 9,567
Total Gross Orders Volume $ 18,214 $ 18,410 $ 18,227 $ 17,715 $ 18,549
"""
