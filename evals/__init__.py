"""The eval suite: our pipeline and a plain llama-index baseline on the same questions.

`qa eval` (see `evals.command`) runs the dev set written over the seed articles and the
RGB `en_fact` benchmark, scores both systems, and writes JSON, Markdown and a chart.
Like the TUI, this package only uses `qa`'s public API.
"""
