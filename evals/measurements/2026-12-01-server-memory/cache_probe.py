"""A fixed prompt, a question after it, another prompt (as a follow-up's rewrite is), then a
second question after the fixed prompt: does the second re-read the fixed prompt?

    python cache_probe.py PORT    # a llama-cpp-python server on 127.0.0.1:PORT, model alias "m"
"""

import pathlib
import sys
import time

import openai

c = openai.OpenAI(base_url=f"http://127.0.0.1:{sys.argv[1]}/v1", api_key="x")
seeds = sorted(pathlib.Path(__file__).parents[3].joinpath("seeds").glob("*.txt"))
fixed = "Rules and examples.\n" + seeds[0].read_text()[:2500]
def ask(msgs, label):
    t = time.time(); first = None; out = ""
    for ch in c.chat.completions.create(model="m", messages=msgs, max_tokens=20, temperature=0, stream=True):
        if ch.choices and ch.choices[0].delta.content:
            first = first or time.time() - t; out += ch.choices[0].delta.content
    print(f"{label}: first token {first:.2f} s {out!r}", flush=True)
    return out
sysm = {"role": "system", "content": fixed}
ask([sysm, {"role": "user", "content": "warm-up"}], "warm-up (cold fixed prompt)")
a1 = ask([sysm, {"role": "user", "content": "Question one: who retook the city? " + seeds[1].read_text()[:800]}], "answer 1")
ask([{"role": "user", "content": "Rewrite this question: " + seeds[2].read_text()[:600]}], "condense (other prompt)")
a2 = ask([sysm, {"role": "user", "content": "Question two: where is it? " + seeds[3].read_text()[:800]}], "answer 2 after the other prompt")
