#!/usr/bin/env python3
"""Place extraction, side by side on the same Chinese passages: recount vs cpca (PyPI).

    pip install cpca                               # prerequisite; this script installs nothing
    cargo build --release -p recount-cli
    python3 scripts/bench_places.py [--repeat N] [--no-write]

Run from anywhere; paths are taken relative to this file (the repository) and to ../shared beside
it. The recount binary is $RECOUNT_BIN, else $CARGO_TARGET_DIR/release/recount, else
target/release/recount.

The passages are built in this run:
  1. ingest ../shared/corpus/seeds with the release binary into a temporary database and export it
     as JSON Lines;
  2. match each exported incident to ../shared/eval/seeds.gold.jsonl exactly as score.py does
     (score.compatible, best pair first, one prediction per gold incident);
  3. for every matched gold incident that has adcodes, each source quote with Chinese sentences
     gives one passage: its Chinese sentences only (English sentences of a bilingual quote are
     dropped), with the gold adcodes and level as the answer;
  4. for each such quote from the bilingual 003_*.txt, the Chinese paragraph(s) of that file
     holding its sentences (found by exact search) give a second, longer passage, unless that
     paragraph also holds sentences quoted for another gold event (then the place is ambiguous and the
     paragraph is left out) or is the same text as the quote.

Both tools get every passage alone, with no context:
  recount: `recount bench places` (Gazetteer::locate; the binary times the locate calls only);
  cpca:    cpca.transform([text]) per passage, and once cpca.transform(all passages) batched,
           timed with time.perf_counter; the answer is cpca's `adcode` column (the finest of
           省/市/区 it resolved).
Scoring follows score.py's place_exact: right when the adcode is one of the gold codes, or lies
inside one of them at the gold level. "Province" is right when the first two digits agree with a
gold code's.

Prints a markdown table and writes the figures into docs/benchmarks.md between the markers under
"## Place extraction: recount vs cpca" (the hand-written reading around them is kept).
"""
import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "eval" / "seeds.gold.jsonl"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Place extraction: recount vs cpca"
BEGIN = "<!-- bench_places.py: generated, begin -->"
END = "<!-- bench_places.py: generated, end -->"

sys.path.insert(0, str(SHARED / "eval"))
import score  # noqa: E402  (../shared/eval/score.py: the project's scorer)

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
# A sentence ends at a Chinese terminator, or at an English one followed by a space.
SENTENCE_END = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s+|(?<=[.!?][”\"’])\s+")


def chinese_sentences(text):
    """The sentences of `text` that are mostly CJK (more CJK characters than Latin letters)."""
    out = []
    for piece in SENTENCE_END.split(text):
        piece = piece.strip()
        if not piece:
            continue
        cjk = len(CJK.findall(piece))
        if cjk and cjk > len(LATIN.findall(piece)):
            out.append(piece)
    return out


def squash(s):
    return re.sub(r"\s+", "", s)


def recount_binary():
    if os.environ.get("RECOUNT_BIN"):
        return Path(os.environ["RECOUNT_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    if not target.is_absolute():
        target = ROOT / target
    return target / "release" / "recount"


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"bench_places: {' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stderr}")
    return r


def export_seeds(binary, tmp):
    db = Path(tmp) / "seeds.db"
    run([binary, "ingest", SEEDS, "--db", db])
    out = run([binary, "export", "--format", "jsonl", "--db", db]).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def match(gold, preds):
    """gold index -> prediction index, the way score.score pairs them."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(preds):
            c = score.compatible(g, p)
            if c is not None:
                pairs.append((c, 0 if g["required"] else 1, gi, pi))
    pairs.sort()
    g_match, p_match = {}, {}
    for _, _, gi, pi in pairs:
        if gi in g_match or pi in p_match:
            continue
        g_match[gi] = pi
        p_match[pi] = gi
    return g_match


def paragraphs_of(doc_text):
    """Non-empty lines: in the seeds each paragraph is one line."""
    return [line.strip() for line in doc_text.splitlines() if line.strip()]


def build_passages(gold, preds):
    g_match = match(gold, preds)
    docs = {p.name: paragraphs_of(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    quotes = []  # (gold, doc, chinese sentences)
    stats = {"matched": len(g_match), "with_adcodes": 0, "english_only": []}
    for gi in sorted(g_match):
        g = gold[gi]
        if not g.get("adcodes"):
            continue
        stats["with_adcodes"] += 1
        found = False
        for src in preds[g_match[gi]].get("sources") or []:
            zh = chinese_sentences(src.get("quote") or "")
            if sum(len(CJK.findall(s)) for s in zh) >= 8:
                quotes.append((g, src.get("doc"), zh))
                found = True
        if not found:
            stats["english_only"].append(g["key"])

    passages = []
    for g, doc, zh in quotes:
        n = sum(1 for p in passages if p["gold"]["key"] == g["key"])
        pid = g["key"] if n == 0 else f"{g['key']}#{n + 1}"
        passages.append({"id": pid, "kind": "quote", "text": "".join(zh), "gold": g, "doc": doc})

    # The paragraphs each quote's sentences come from, in the bilingual 003 file.
    para_of = {}  # gold key -> set of paragraph indexes
    for g, doc, zh in quotes:
        if not (doc or "").startswith("003_") or doc not in docs:
            continue
        paras = docs[doc]
        hits = set()
        for s in zh:
            needle = squash(s)
            if len(CJK.findall(needle)) < 6:
                continue
            for i, para in enumerate(paras):
                if needle in squash(para):
                    hits.add(i)
        if hits:
            para_of.setdefault(g["key"], set()).update(hits)
    owners = {}
    for key, hits in para_of.items():
        for i in hits:
            owners.setdefault(i, set()).add(key)
    stats["para_ambiguous"], stats["para_same_as_quote"] = [], []
    by_key = {g["key"]: (g, doc) for g, doc, _ in quotes}
    for key, hits in sorted(para_of.items()):
        if any(len(owners[i]) > 1 for i in hits):
            stats["para_ambiguous"].append(key)
            continue
        g, doc = by_key[key]
        text = "\n".join("".join(chinese_sentences(docs[doc][i])) for i in sorted(hits))
        if any(squash(p["text"]) == squash(text) for p in passages):
            stats["para_same_as_quote"].append(key)
            continue
        passages.append({"id": f"{key}/para", "kind": "paragraph", "text": text, "gold": g, "doc": doc})
    stats["quote_passages"] = sum(p["kind"] == "quote" for p in passages)
    stats["para_passages"] = sum(p["kind"] == "paragraph" for p in passages)
    return passages, stats


def run_recount(binary, passages, repeat):
    lines = "".join(json.dumps({"id": p["id"], "text": p["text"]}, ensure_ascii=False) + "\n" for p in passages)
    r = run([binary, "bench", "places"], input=lines * repeat)
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    m = re.search(r"places: (\d+) passages in ([\d.]+) ms", r.stderr)
    if not m or len(rows) != len(passages) * repeat:
        sys.exit(f"bench_places: unexpected output from recount bench places:\n{r.stderr}")
    n, ms = int(m.group(1)), float(m.group(2))
    answers = {}
    for row in rows[: len(passages)]:
        answers[row["id"]] = {"adcode": row.get("adcode"), "name": row.get("name"), "country": row.get("country")}
    return answers, n / (ms / 1000.0) if ms > 0 else float("inf"), n, ms


def cpca_answer(row):
    code = row.get("adcode")
    if code is None or (isinstance(code, float) and code != code):  # None or NaN
        return {"adcode": None, "name": None}
    code = str(code)[:6]
    name = next((row.get(k) for k in ("区", "市", "省") if isinstance(row.get(k), str)), None)
    return {"adcode": code, "name": name}


def run_cpca(cpca, passages, repeat):
    texts = [p["text"] for p in passages]
    answers = {}
    spent = 0.0
    for _ in range(repeat):
        for p in passages:
            t0 = time.perf_counter()
            df = cpca.transform([p["text"]])
            spent += time.perf_counter() - t0
            if "adcode" not in df.columns:
                sys.exit("bench_places: this cpca has no 'adcode' column; cpca >= 0.5 is needed")
            answers[p["id"]] = cpca_answer(df.iloc[0].to_dict())
    per_call = len(texts) * repeat / spent
    t0 = time.perf_counter()
    batched = [None] * repeat
    for k in range(repeat):
        batched[k] = cpca.transform(texts)
    spent_batch = time.perf_counter() - t0
    same = all(cpca_answer(r) == answers[p["id"]] for p, r in zip(passages, batched[0].to_dict("records")))
    return answers, per_call, len(texts) * repeat / spent_batch, same


def exact(g, code):
    return bool(code) and score.place_exact(g, {"location": {"country": "CN", "adcode": code}})


def province(g, code):
    return bool(code) and any(str(code)[:2] == c[:2] for c in g["adcodes"])


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        nproc = run(["nproc"]).stdout.strip()
    except (OSError, SystemExit):
        nproc = str(os.cpu_count())
    return nproc, model


def commit():
    try:
        r = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return r.stdout.strip() + (" (with uncommitted changes)" if dirty else "") if r.returncode == 0 else "unknown"
    except OSError:
        return "unknown"


def cell(ans, ok):
    if not ans.get("adcode"):
        return "— ✗"
    return f"{ans['adcode']} {ans.get('name') or ''} {'✓' if ok else '✗'}".replace("  ", " ")


def report(passages, stats, rc, cp, args, versions):
    n = len(passages)
    rc_ans, rc_rate, rc_n, rc_ms = rc
    cp_ans, cp_rate, cp_batch_rate, cp_same = cp
    res = {}
    for tool, ans in (("recount", rc_ans), ("cpca", cp_ans)):
        ex = sum(exact(p["gold"], ans[p["id"]]["adcode"]) for p in passages)
        pr = sum(province(p["gold"], ans[p["id"]]["adcode"]) for p in passages)
        res[tool] = (ex, pr)

    def pct(k):
        return f"{k / n:.0%} ({k}/{n})"

    table = [
        "| tool | passages | exact place | province | passages/s |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| recount {versions['recount']} (`recount bench places`) | {n} | {pct(res['recount'][0])} | "
        f"{pct(res['recount'][1])} | {rc_rate:,.0f} |",
        f"| cpca {versions['cpca']}, one `transform` call per passage | {n} | {pct(res['cpca'][0])} | "
        f"{pct(res['cpca'][1])} | {cp_rate:,.0f} |",
        f"| cpca {versions['cpca']}, one batched `transform` call | {n} | "
        + (f"{pct(res['cpca'][0])} | {pct(res['cpca'][1])}" if cp_same else "answers differ | —")
        + f" | {cp_batch_rate:,.0f} |",
    ]
    detail = [
        "| passage | gold (level) | recount | cpca |",
        "| --- | --- | --- | --- |",
    ]
    for p in passages:
        g = p["gold"]
        r, c = rc_ans[p["id"]], cp_ans[p["id"]]
        detail.append(
            f"| `{p['id']}` | {', '.join(g['adcodes'])} ({g.get('level', 'county')}) | "
            f"{cell(r, exact(g, r['adcode']))} | {cell(c, exact(g, c['adcode']))} |"
        )
    amb = ", ".join(f"`{k}`" for k in stats["para_ambiguous"]) or "none"
    dup = ", ".join(f"`{k}`" for k in stats["para_same_as_quote"]) or "none"
    eng = ", ".join(f"`{k}`" for k in stats["english_only"]) or "none"
    body = [
        f"Measured {versions['date']} on {versions['nproc']} CPUs ({versions['cpu']}), Python {versions['python']}, "
        f"cpca {versions['cpca']} (pandas {versions['pandas']}), recount at commit {versions['commit']}. "
        f"Reproduce with `cargo build --release -p recount-cli` and then `python3 scripts/bench_places.py` "
        f"(prerequisite: `pip install cpca`); this block is rewritten by the script.",
        "",
        f"**The passages ({n}).** The seed corpus (`../shared/corpus/seeds`) is ingested with the release "
        f"binary and exported; each exported incident is matched to `../shared/eval/seeds.gold.jsonl` with "
        f"`score.compatible` as `score.py` does ({stats['matched']} gold incidents matched, "
        f"{stats['with_adcodes']} of them with adcodes). Each of those whose source quote has Chinese sentences "
        f"gives one passage of just those sentences ({stats['quote_passages']} passages; the English sentences of "
        f"bilingual quotes are dropped; matched incidents whose quotes are English only: {eng}). For each quote from "
        f"the bilingual `003_*.txt`, the Chinese paragraph(s) of that file holding its sentences give a second, "
        f"longer passage ({stats['para_passages']} passages, id `…/para`); a paragraph that also holds sentences quoted "
        f"for another gold event is left out, since its place is ambiguous ({amb}), and so is one identical to its quote "
        f"({dup}). "
        f"The answer is the gold's adcodes and level. Each tool sees each passage alone, with no context.",
        "",
        f"**Scoring** is `score.py`'s `place_exact`: right when the adcode is one of the gold codes or lies inside "
        f"one at the gold level (a county inside a gold prefecture counts; a province for a gold county does not). "
        f"*Province* is right when the first two digits agree with a gold code's. *Passages/s* counts only the "
        f"extraction calls: for recount the `locate` calls inside `recount bench places` ({rc_n} calls in "
        f"{rc_ms:.2f} ms), gazetteer built beforehand; for cpca the `cpca.transform` calls (timed with "
        f"`time.perf_counter`, automaton built at import), which include building the pandas DataFrame it "
        f"returns. The passages are run {args.repeat} times over for the timings. One-off set-up, not in the "
        f"rates: {versions['setup']}",
        "",
        *table,
        "",
        "<details><summary>Every passage: the gold and each tool's answer (✓ exact, ✗ not)</summary>",
        "",
        *detail,
        "",
        "</details>",
    ]
    return "\n".join(table), "\n".join(body), res


def write_doc(block):
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    generated = f"{BEGIN}\n{block}\n{END}"
    if BEGIN in text and END in text:
        start, end = text.index(BEGIN), text.index(END) + len(END)
        text = text[:start] + generated + text[end:]
    elif HEADING in text:
        at = text.index(HEADING) + len(HEADING)
        text = text[:at] + "\n\n" + generated + "\n" + text[at:]
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{generated}\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=20, help="run the passage set this many times for the timings")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    ap.add_argument("--passages", help="also write the passages (JSON Lines, with the gold) to this file")
    args = ap.parse_args()
    try:
        t0 = time.perf_counter()
        import cpca

        cpca_import_s = time.perf_counter() - t0
    except ImportError:
        sys.exit("bench_places: the Python package cpca is missing; install it first with `pip install cpca`")
    binary = recount_binary()
    if not binary.is_file():
        sys.exit(f"bench_places: no recount binary at {binary}; build it with "
                 f"`cargo build --release -p recount-cli` (or set RECOUNT_BIN)")

    with GOLD.open(encoding="utf-8") as f:
        gold = [json.loads(line) for line in f if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        preds = export_seeds(binary, tmp)
    passages, stats = build_passages(gold, preds)
    if not passages:
        sys.exit("bench_places: no Chinese passages were found")
    if args.passages:
        with open(args.passages, "w", encoding="utf-8") as f:
            for p in passages:
                f.write(json.dumps({"id": p["id"], "text": p["text"], "adcodes": p["gold"]["adcodes"],
                                    "level": p["gold"].get("level")}, ensure_ascii=False) + "\n")

    t0 = time.perf_counter()
    run([binary, "bench", "places"], input="")  # process start and gazetteer build, no passage
    recount_setup_s = time.perf_counter() - t0
    rc = run_recount(binary, passages, args.repeat)
    cp = run_cpca(cpca, passages, args.repeat)
    nproc, cpu = machine()
    versions = {
        "date": dt.date.today().isoformat(),
        "nproc": nproc,
        "cpu": cpu,
        "python": platform.python_version(),
        "cpca": importlib.metadata.version("cpca"),
        "pandas": importlib.metadata.version("pandas"),
        "recount": run([binary, "--version"]).stdout.split()[-1],
        "commit": commit(),
        "setup": f"`import cpca` took {cpca_import_s * 1000:.0f} ms (it builds its automaton then); "
        f"`recount bench places` on empty input (process start plus gazetteer build) took "
        f"{recount_setup_s * 1000:.0f} ms wall time.",
    }
    table, block, _ = report(passages, stats, rc, cp, args, versions)
    print(table)
    if not args.no_write:
        write_doc(block)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
