"""Three ~650-token prompts (two seed articles, a different first line each, so nothing is
cached but the chat template's start), 48 tokens each, streamed from a llama-cpp-python
server on PORT; prints the time to the first token and in all. Start the server with
`--verbose True` to get llama.cpp's own prompt and generation timings in its log, and read
its peak memory from /proc/PID/status (VmHWM).

    python probe.py PORT
"""

import pathlib
import sys
import time

import openai

port = sys.argv[1]
client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="x")
seeds = sorted(pathlib.Path(__file__).parents[3].joinpath("seeds").glob("*.txt"))
body = "\n".join(p.read_text()[:1500] for p in seeds[:2])
for i in range(3):
    prompt = f"Question {i}: summarise in one sentence.\n\n{body}\n\nVariant {i}"
    started = time.time()
    first, out = None, ""
    stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": prompt}],
                                            max_tokens=48, temperature=0, stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            first = first or time.time() - started
            out += chunk.choices[0].delta.content
    print(f"first token {first:.2f} s, in all {time.time() - started:.2f} s: {out!r}")
