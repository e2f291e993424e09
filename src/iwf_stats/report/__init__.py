"""The report: executed notebooks and a static site, built incrementally and atomically.

Imports nbclient and nbconvert only when a build runs.
"""
