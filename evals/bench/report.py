"""The benchmark's Markdown table: each figure as median [min-max], next to its reference,
the ratio measured in the same run, and the issue's goal."""

from __future__ import annotations


def _fig(s: dict | None, unit: str = "", scale: float = 1.0, digits: int = 2) -> str:
    if not s or not s.get("n"):
        return "n/a"
    f = lambda v: f"{v * scale:.{digits}f}"  # noqa: E731
    spread = f" [{f(s['min'])}–{f(s['max'])}]" if s["n"] > 1 else ""
    return f"{f(s['median'])}{unit}{spread}"


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**no**")


def _get(d: dict | None, *keys):
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def markdown(r: dict) -> str:
    rows: list[tuple[str, str, str, str, str, str]] = []
    h = r.get("help")
    if h:
        med = h["help_s"]["median"]
        rows.append(("`qa --help`", _fig(h["help_s"], " s"), "python start " + _fig(h["python_start_s"], " s"),
                     "", "< 0.5 s", _met(med < 0.5)))
        rows.append(("heavy modules loaded by `--help`", ", ".join(h["heavy_modules_loaded"]) or "none", "", "",
                     "no torch, no llama.cpp", _met(not {"torch", "llama_cpp"} & set(h["heavy_modules_loaded"]))))
    i = r.get("ingest")
    if i:
        rows.append((f"ingest ({i['files']} files, {i['passages']} passages), passages/s",
                     _fig(i["ingest_passages_per_s"], "", digits=1), "raw embedder " + _fig(i["raw_embedder_passages_per_s"], "", digits=1),
                     f"{i['ratio_to_raw']}", ">= 0.90", _met(i["ratio_to_raw"] >= 0.9 if i["ratio_to_raw"] else None)))
    ret = r.get("retrieval")
    if ret:
        for key, name in (("seeds", "seeds"), ("large", "generated")):
            part = ret.get(key)
            if not part:
                continue
            p = part["parts_ms"]
            parts = f"encode {_fig(p['encode'], '', digits=1)}, dense {_fig(p['dense'], '', digits=1)}, bm25 {_fig(p['bm25'], '', digits=1)}"
            t = part["retrieve_ms"]
            goal, met = ("<= 20 ms", _met(t["median"] <= 20)) if key == "large" else ("", "")
            rows.append((f"retrieval p50, {name} ({part['passages']:,} passages), ms", _fig(t, "", digits=1),
                         parts, f"p95 {t['p95']:.1f} ms", goal, met))
        for flt in _get(ret, "large", "filtered") or []:
            t = flt["retrieve_ms"]
            rows.append((f"retrieval p50, filtered ({flt['filter']}: {flt['passages_matching']:,} passages match), ms",
                         _fig(t, "", digits=1), f"dense {_fig(flt['parts_ms']['dense'], '', digits=1)}",
                         f"{flt['ratio_to_unfiltered']}x unfiltered; p95 {t['p95']:.1f} ms",
                         "<= 1.2x unfiltered", _met(flt["ratio_to_unfiltered"] <= 1.2)))
        if _get(ret, "large", "filter_vectors"):
            v = ret["large"]["filter_vectors"]
            rows.append(("vectors kept for filters, read by the first filtered search", f"{v['load_s']} s",
                         f"{v['mb']} MB in memory", "", "", ""))
        if _get(ret, "large", "build_s"):
            b = ret["large"]["build_s"]
            rows.append((f"index build, {ret['large']['passages']:,} passages", f"{b['total']} s",
                         f"Chroma {b['chroma']} s + BM25 {b['bm25']} s", "", "", ""))
    a = r.get("answer")
    if a:
        tr = a["first_token_ratio"]
        rows.append((f"time to first token ({a['questions']} questions × {a['runs']})", _fig(a["ours_first_token_s"], " s"),
                     "raw llama.cpp " + _fig(a["raw_first_token_s"], " s"), _fig(tr), "<= 1.15",
                     _met(tr["median"] <= 1.15 if tr.get("n") else None)))
        rows.append(("answer total", _fig(a["ours_total_s"], " s"), "raw llama.cpp " + _fig(a["raw_total_s"], " s"),
                     _fig(a["total_ratio"]), "", ""))
        rows.append(("prompt tokens per question", _fig(a["prompt_tokens"], "", digits=0), "", "", "", ""))
    c = r.get("cold_start")
    if c:
        n = c["no_server"]
        rows.append(("`qa ask`: process start to first token, no server", _fig(n["first_token_s"], " s"),
                     "exit " + _fig(n["exit_s"], " s"), "", "", ""))
        w = c.get("warm_server")
        rows.append(("`qa ask`: process start to first token, `qa serve` running",
                     _fig(_get(w, "first_token_s"), " s"), "exit " + _fig(_get(w, "exit_s"), " s"), "", "< 3 s",
                     _met(w["first_token_s"]["median"] < 3 if w else None)))
        rows.append(("peak RSS of `qa ask` (its model server apart)", _fig(n["peak_rss_qa_mib"], " MiB", digits=0),
                     "model server " + _fig(n["peak_rss_model_server_mib"], " MiB", digits=0), "", "", ""))
    for name, sv in (r.get("server") or {}).items():
        base = _get(r, "server", "llama_cpp_python") if name != "llama_cpp_python" else None
        ref = (lambda key, unit=" s", digits=2: "llama-cpp-python " + _fig(_get(base, key), unit, digits=digits)
               if base else "")
        fr, tr = sv["follow_up_ratio"], sv["two_threads_ratio"]
        rows.append((f"{sv['server']}: warm first token (fixed prompt cached)", _fig(sv["warm_first_token_s"], " s"),
                     ref("warm_first_token_s"), "", "<= 3 s",
                     _met(sv["warm_first_token_s"]["median"] <= 3 if sv["warm_first_token_s"].get("n") else None)))
        rows.append((f"{sv['server']}: follow-up first token / first question's", _fig(sv["follow_up_first_token_s"], " s"),
                     "first question " + _fig(sv["first_question_first_token_s"], " s"), _fig(fr), "<= 1.2",
                     _met(fr["median"] <= 1.2 if fr.get("n") else None)))
        rows.append((f"{sv['server']}: two threads at once / one question alone", _fig(sv["two_threads_total_s"], " s"),
                     ref("two_threads_total_s"), _fig(tr), "<= 2.0", _met(tr["median"] <= 2.0 if tr.get("n") else None)))
        rss = sv["peak_rss_mib"]
        rows.append((f"{sv['server']}: peak RSS of the model server", f"{rss:.0f} MiB" if rss else "n/a",
                     f"model file {sv['model_file_mib']:.0f} MiB" + (f"; llama-cpp-python {base['peak_rss_mib']:.0f} MiB"
                                                                    if base and base.get("peak_rss_mib") else ""),
                     "", "<= 1.6 GB (1526 MiB)", _met(rss <= 1526 if rss else None)))
    k = r.get("keep_alive")
    if k:
        rt = k["second_over_first"]
        second = k["second_ask_first_token_s"]
        rows.append(("two `qa ask` in a row, no `qa serve`: second's process start to first token",
                     _fig(second, " s"), "first " + _fig(k["first_ask_first_token_s"], " s"), _fig(rt),
                     "<= 6 s and <= 0.4×",
                     _met(second["median"] <= 6 and rt["median"] <= 0.4 if second.get("n") and rt.get("n") else None)))
    t = r.get("tui")
    if t:
        rows.append(("peak RSS of the chat during an answer", f"{t['peak_rss_mib']:.0f} MiB",
                     f"before the question {t['rss_before_question_mib']:.0f} MiB", "", "", ""))
    e = r.get("end_to_end")
    if e:
        s = e["seconds_per_question"]
        sp = e["speedup_vs_baseline"]
        corr = e["correct_answerable"]
        rows.append((f"end to end, s/question ({e['questions']} dev questions × {e['runs']})", _fig(s["ours"], " s"),
                     "llama-index " + _fig(s["baseline"], " s"), f"{sp}× faster" if sp else "n/a", ">= 1.5× faster",
                     _met(sp >= 1.5 if sp else None)))
        if "baseline_defaults" in s:
            spd = e.get("speedup_vs_baseline_defaults")
            rows.append(("end to end, s/question, llama-index with its own defaults (1024-token chunks, one run)",
                         _fig(s["ours"], " s"), "llama-index " + _fig(s["baseline_defaults"], " s"),
                         f"{spd}× faster" if spd else "n/a", ">= 1.5× faster", _met(spd >= 1.5 if spd else None)))
        defaults = f"; its defaults {corr['baseline_defaults']}" if "baseline_defaults" in corr else ""
        rows.append(("correct answers on those questions", corr["ours"], "llama-index " + corr["baseline"] + defaults,
                     "", "equal or better", ""))
    head = (f"# Benchmark `{r.get('label')}`, {r.get('date')}\n\n"
            f"Machine: {r.get('machine')}. Commit: {r.get('commit')}. Model: {r.get('model') or 'n/a'}. "
            f"Figures: median [min–max] of the runs.\n\n")
    lines = ["| measure | ours | reference | ratio | goal | met |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return head + "\n".join(lines) + "\n"
