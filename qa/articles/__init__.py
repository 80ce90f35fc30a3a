"""Articles in: find article files and fetch web pages and feeds, read them, clean them of
page junk, split them into passages, group syndicated copies, and write them to the store.

    loaders   find the files, read text/Markdown/HTML (and fetched pages), refuse what is not an article
    web       fetch one page safely (schemes, private addresses, size, time)
    feeds     RSS/Atom entries, and the list of followed feeds
    watch     keep the store in step with folders (settled files in, deleted ones out)
    clean     page junk out; title, outlet and date read from the text
    chunking  passages of a few sentences, each with its character span
    dedup     near-duplicate signatures: one story's copies share a group
    ingest    the whole step for a set of paths, resumable after a crash

May import: `qa.index` (where passages are written), `qa.models` (the embedder), and the
shared modules at the top of `qa` (errors, settings, text, types). Never `qa.search`,
`qa.answering` or the assistant.
"""
