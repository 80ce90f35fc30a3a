"""Start our model server (the launcher, with the flags `qa` gives it) plus EXTRA flags, ask
the first N single-turn dev questions through `Assistant` (standalone, in order, after one
warm-up question), print each one's first token, total time and answer, then the server's
peak memory (VmHWM); write it all to OUT.json. Run alone on a quiet machine.

    python probe.py OUT.json N [EXTRA server flags ...]
"""
import json, os, socket, subprocess, sys, time, pathlib, urllib.request
out, n, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
model = next(pathlib.Path("/root/.cache/qa-news/models").glob("qwen2.5-coder-1.5b*.gguf"))
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
cmd = [sys.executable, "-m", "qa.models.llama_cpp_server", "--model", str(model), "--model_alias",
       "qwen2.5-coder-1.5b-instruct-q4_k_m", "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
       "--n_threads", "2", "--n_threads_batch", "2", "--verbose", "False", "--logits_all", "False",
       "--cache", "True", "--cache_type", "ram", "--cache_size", str(64 << 20),
       "--interrupt_requests", "False", *extra]
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(out + ".log", "w"))
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1); break
    except Exception:
        time.sleep(0.5)
os.environ["QA_LLM_BASE_URL"] = f"http://127.0.0.1:{port}/v1"
os.environ["QA_LLM_MODEL"] = "qwen2.5-coder-1.5b-instruct-q4_k_m"
os.environ["QA_LLM_API_KEY"] = "x"
from qa import Assistant
a = Assistant()
qs = [json.loads(l) for l in open(pathlib.Path(__file__).parents[2] / "dev.jsonl")]
qs = [q for q in qs if not q["history"]][:n]
rows = []
a.ask("warm up: who is the chairman of the Joint Chiefs of Staff?", standalone=True)
for q in qs:
    t = time.perf_counter(); ans = a.ask(q["question"], standalone=True)
    rows.append({"id": q["id"], "first_ms": ans.timings.first_token_ms, "total_ms": ans.timings.total_ms,
                 "wall": time.perf_counter() - t, "text": ans.text})
    print(q["id"], round(ans.timings.first_token_ms or 0), round(ans.timings.total_ms), ans.text[:90], flush=True)
hwm = [l for l in open(f"/proc/{proc.pid}/status") if l.startswith(("VmHWM", "RssAnon"))]
print(hwm)
proc.terminate(); proc.wait()
json.dump({"extra": extra, "rows": rows, "mem": hwm}, open(out, "w"), indent=1)
