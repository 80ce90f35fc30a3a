"""Answering: everything said to and read from the chat model.

    condense     a follow-up and its conversation into one standalone query
    prompts      the templates in prompts/, loaded by name and checked at start-up
    generate     the prompt from numbered passages; the reply into a checked `Answer`
    citations    `[n]` markers parsed into claims, and rendered back
    verify       each claim checked against the passages it cites
    binding      ... and bound to the question's year, quarter, contest and role
    editions     ... and to the edition of a work it asks about, not a remaster or sequel
    roles        ... and to the role asked for, held for the asked place or body
    outcomes     who won and who lost, from the verbs next to a name
    answer_type  what kind of answer the question asks for (a number, a time, a name)
    conflicts    figures on which the sources disagree, pointed out to the model
    injection    sentences that give an AI orders are left out of the prompt
    focus        a second, focused try when the answer missed the passage asked about
    responsive   does the answer answer the question? (a yes/no to the model)

May import: `qa.models` (the chat model) and the shared modules at the top of `qa`. It
works on passages it is given: never `qa.search`, `qa.index` or `qa.articles`.
"""
