import sys, runpy
import qa.assistant as A
from qa.answering.answer_type import expected, gives
from qa.answering.binding import binds, sentences
from qa.answering.injection import neutralise
from qa.answering.editions import the_work_first
_stash = {}
_orig_articles = A.Assistant._articles
def _articles(self, passages):
    _stash["ps"] = passages
    return _orig_articles(self, passages)
A.Assistant._articles = _articles
def can(q, p):
    kind = expected(q)
    if kind is None: return True
    t = neutralise(p.text)
    return any(gives(kind, s, q) and binds(s, t, q, p.date) for s in sentences(t))
def order(question, texts, articles):
    ps = _stash["ps"]
    assert [p.text for p in ps] == texts
    o = sorted(range(len(ps)), key=lambda i: not can(question, ps[i]))
    inner = the_work_first(question, [texts[i] for i in o], [articles[i] for i in o] if articles else None)
    return [o[j] for j in inner]
A.the_work_first = order
sys.argv = ["sweep.py"] + sys.argv[1:]
runpy.run_path("evals/measurements/2026-12-01-splits/sweep.py", run_name="__main__")
