#!/usr/bin/env python3
"""Records and summarises the runs of bench/run.sh (pim vs the peers in shared/bench/peers).

    compare.py record RUNS.jsonl --group G --task T --tool X --size N --run I --time-file F --stdout-file F [--rc RC]
        appends one record: the JSON line the program printed (if any) plus GNU time -v's wall clock,
        peak RSS, user/sys CPU, and the 1-minute load average at the end of the run.
    compare.py predict RUNS.jsonl --task T --tool X --size N --max-s S [--prior OLD.jsonl …]
        exit 0 if the (task, tool) should run at size N: no earlier size measured, or its median scaled
        linearly to N is below S seconds; exit 1 otherwise (prints why).
    compare.py summary RUNS.jsonl [--machine FILE]
        prints the Markdown summary: per task and size the median seconds, peak RSS and digest of every
        tool, the ratios pim / fastest peer and pim / pycanon, the CLI measurements, and the targets.

Only the standard library is used (runs with the system python3).
"""
import argparse
import collections
import json
import os
import re
import statistics
import sys

# Tasks in display order; "peers" are the tools a ratio is taken against.
TASKS = ["parse", "kanon5", "kanon3", "ldiv5", "ldiv3", "agg", "hxl", "risk", "anonymize"]


def parse_time_file(path):
    """GNU time -v output -> dict(wall, max_rss_mb, user_s, sys_s, cpu_pct)."""
    out = dict(wall=None, max_rss_mb=None, user_s=None, sys_s=None, cpu_pct=None)
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return out
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    if m:
        out["wall"] = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["max_rss_mb"] = round(int(m.group(1)) / 1024, 1)
    for k, pat in (("user_s", r"User time \(seconds\): ([\d.]+)"), ("sys_s", r"System time \(seconds\): ([\d.]+)"),
                   ("cpu_pct", r"Percent of CPU this job got: (\d+)%")):
        m = re.search(pat, text)
        if m:
            out[k] = float(m.group(1))
    return out


def cmd_record(a):
    rec = dict(group=a.group, task=a.task, tool=a.tool, size=a.size, run=a.run, rc=a.rc)
    rec.update(parse_time_file(a.time_file))
    lines = []
    if a.group == "task":  # CLI commands print their own output, not a benchmark line
        try:
            lines = [l for l in open(a.stdout_file, encoding="utf-8", errors="replace") if l.startswith("{")]
        except OSError:
            pass
    if lines:
        try:
            j = json.loads(lines[-1])
            rec.update({k: v for k, v in j.items() if k not in ("tool", "task", "rows")})
            rec["rows"] = j.get("rows")
        except ValueError:
            pass
    if "seconds" not in rec:  # whole-process measurement (CLI commands)
        rec["seconds"] = rec["wall"]
    if a.rc != 0:
        try:
            rec["error"] = open(a.stderr_file, encoding="utf-8", errors="replace").read()[-600:] if a.stderr_file else "rc=%d" % a.rc
        except OSError:
            rec["error"] = "rc=%d" % a.rc
    rec["loadavg"] = open("/proc/loadavg").read().split()[:3]
    with open(a.runs, "a", encoding="utf-8") as f:
        f.write(json.dumps(rec) + "\n")
    show = {k: rec.get(k) for k in ("group", "task", "tool", "size", "run", "seconds", "wall", "max_rss_mb", "result_digest", "error")}
    print(json.dumps(show), flush=True)


def load(path):
    recs = []
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.strip():
                recs.append(json.loads(line))
    return recs


def ok(rs):
    return [r for r in rs if r.get("rc", 0) == 0 and not r.get("error") and r.get("seconds") is not None]


def med(rs, key):
    xs = [r[key] for r in rs if r.get(key) is not None]
    return statistics.median(xs) if xs else None


def cmd_predict(a):
    recs = [r for path in [a.runs] + (a.prior or []) for r in load(path)
            if r["group"] == "task" and r["task"] == a.task and r["tool"] == a.tool and r["size"] < a.size]
    if not recs:
        return 0
    prev = max(r["size"] for r in recs)
    good = ok([r for r in recs if r["size"] == prev])
    if not good:
        print("skip %s %s at %d: it failed at %d" % (a.task, a.tool, a.size, prev))
        return 1
    predicted = med(good, "seconds") * a.size / prev
    if predicted > a.max_s:
        print("skip %s %s at %d: predicted %.0f s > %.0f s" % (a.task, a.tool, a.size, predicted, a.max_s))
        return 1
    return 0


def fmt(x, digits=3):
    return "—" if x is None else ("%.*f" % (digits, x))


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def cmd_summary(a):
    recs = load(a.runs)
    groups = collections.OrderedDict()
    for r in recs:
        groups.setdefault((r["group"], r["task"], r["size"], r["tool"]), []).append(r)

    def stats(group, task, size, tool):
        rs = groups.get((group, task, size, tool))
        if not rs:
            return None
        good = ok(rs)
        if not good:
            return dict(error=True, n=len(rs))
        digests = sorted({r.get("result_digest") for r in good if r.get("result_digest")})
        return dict(error=False, n=len(good), s=med(good, "seconds"), lo=min(r["seconds"] for r in good),
                    hi=max(r["seconds"] for r in good), wall=med(good, "wall"), rss=med(good, "max_rss_mb"),
                    cpu=med(good, "cpu_pct"), digests=digests, rec=good[0])

    sizes = sorted({r["size"] for r in recs})
    out = []
    p = out.append
    if a.machine and os.path.exists(a.machine):
        p(open(a.machine, encoding="utf-8").read().rstrip() + "\n")

    # ---------------------------------------------------------------- tasks
    p("## Tasks (in-process timed region: CSV load + computation; medians of %s runs)\n" %
      "/".join(sorted({str(len(v)) for k, v in groups.items() if k[0] == "task"})) )
    p("`seconds` is each program's own timer (interpreter / process start excluded); RSS is the whole process's peak "
      "(GNU time). Digest: `=` the canonical result text matches pim's byte for byte (via SHA-256), `≠` it differs; "
      "pycanon only computes min k / min l, so its digest is compared with pim's min-k / min-l digest.\n")
    p("| task | rows | tool | median s | min–max s | wall s | peak RSS MB | CPU % | digest |")
    p("|---|---:|---|---:|---:|---:|---:|---:|---|")
    verdicts = collections.OrderedDict()
    ratios = []
    for size in sizes:
        for task in TASKS:
            tools = sorted({k[3] for k in groups if k[0] == "task" and k[1] == task and k[2] == size},
                           key=lambda t: (t != "pim", t))
            if not tools:
                continue
            pim = stats("task", task, size, "pim")
            pim_digest = pim["digests"][0] if pim and not pim["error"] and pim["digests"] else None
            pim_res = pim["rec"].get("result", {}) if pim and not pim["error"] else {}
            best_peer = None
            for tool in tools:
                st = stats("task", task, size, tool)
                if st is None:
                    continue
                if st["error"]:
                    p("| %s | %d | %s | error | | | | | |" % (task, size, tool))
                    continue
                d = st["digests"][0] if len(st["digests"]) == 1 else None
                if tool == "pim":
                    mark = ("`%s`" % d) if d else "MISMATCH between runs"
                    if task == "anonymize":
                        mark += " (pim's own result, not comparable)"
                elif task == "anonymize":
                    mark = "`%s` (anjana, other algorithm)" % d
                else:
                    want = pim_digest
                    if tool == "pycanon":
                        want = pim_res.get("min_k_digest") or pim_res.get("min_l_digest")
                    mark = ("=" if d and d == want else "≠") + (" `%s`" % d if d else " MISMATCH between runs")
                    if d != want:
                        verdicts.setdefault("digest mismatches", []).append("%s %s %d" % (task, tool, size))
                    if tool != "pycanon" and (best_peer is None or st["s"] < best_peer[1]):
                        best_peer = (tool, st["s"], st["rss"])
                p("| %s | %d | %s | %s | %s–%s | %s | %s | %s | %s |" % (
                    task, size, tool if tool != "pim" else "**pim**", fmt(st["s"]), fmt(st["lo"]), fmt(st["hi"]),
                    fmt(st["wall"], 2), fmt(st["rss"], 0), fmt(st["cpu"], 0), mark))
            pyc = stats("task", task, size, "pycanon")
            if pim and not pim["error"] and task != "anonymize":
                ratios.append((task, size, pim["s"], best_peer, ratio(pim["s"], best_peer[1]) if best_peer else None,
                               pyc["s"] if pyc and not pyc["error"] else None,
                               ratio(pim["s"], pyc["s"]) if pyc and not pyc["error"] else None, pim["rss"]))
    p("")
    p("### Ratios (pim's median seconds / the peer's; < 1 means pim is faster)\n")
    p("| task | rows | pim s | fastest peer | peer s | pim / fastest | pim / pycanon | pim RSS MB | peer RSS MB |")
    p("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for task, size, s, best, r1, pyc_s, r2, rss in ratios:
        p("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            task, size, fmt(s), best[0] if best else "—", fmt(best[1]) if best else "—", fmt(r1, 2),
            ("%s (%.1f× faster)" % (fmt(r2, 3), 1 / r2)) if r2 else "—", fmt(rss, 0), fmt(best[2], 0) if best else "—"))
    p("")

    # ---------------------------------------------------------------- CLI
    cli_tools = collections.OrderedDict()
    for (g, task, size, tool) in groups:
        if g == "cli":
            cli_tools.setdefault((task, size), []).append(tool)
    if cli_tools:
        p("## Whole-process measurements (CLI; wall clock incl. start-up, GNU time)\n")
        p("| measurement | rows | program | median wall s | min–max s | peak RSS MB | CPU % |")
        p("|---|---:|---|---:|---:|---:|---:|")
        for (task, size), tools in cli_tools.items():
            for tool in tools:
                st = stats("cli", task, size, tool)
                if st is None:
                    continue
                if st["error"]:
                    p("| %s | %d | %s | error | | | |" % (task, size, tool))
                    continue
                p("| %s | %d | %s | %s | %s–%s | %s | %s |" % (task, size, tool, fmt(st["wall"]), fmt(st["lo"]), fmt(st["hi"]),
                                                         fmt(st["rss"], 0), fmt(st["cpu"], 0)))
        p("")

    # ---------------------------------------------------------------- targets
    p("## Targets\n")
    p("| target | rows | measured | verdict |")
    p("|---|---:|---|---|")

    def verdict(okay):
        return "**met**" if okay else "**missed**"

    for size in sizes:
        insp = stats("cli", "inspect", size, "pim inspect --format json")
        pol = stats("task", "parse", size, "polars")
        if insp and pol and not insp["error"] and not pol["error"]:
            r = insp["wall"] / pol["s"]
            p("| inspect ≤ 0.5× polars parse time | %d | pim inspect %.3f s (whole process) vs polars %.3f s (load only, %.2f s whole process): %.2f× | %s |"
              % (size, insp["wall"], pol["s"], pol["wall"], r, verdict(r <= 0.5)))
            p("| inspect peak RSS ≤ polars' | %d | %.0f MB vs %.0f MB | %s |" % (size, insp["rss"], pol["rss"], verdict(insp["rss"] <= pol["rss"])))
        imp = stats("cli", "import", size, "pim import")
        sq = stats("cli", "import", size, "sqlite3 .import (WAL, synchronous=FULL)")
        if imp and sq and not imp["error"] and not sq["error"]:
            r = imp["wall"] / sq["wall"]
            p("| import ≤ 1.5× sqlite3 .import | %d | %.3f s vs %.3f s: %.2f× | %s |" % (size, imp["wall"], sq["wall"], r, verdict(r <= 1.5)))
        pr = stats("task", "risk", size, "pim")
        if pr and not pr["error"]:
            peers = [stats("task", "risk", size, t) for t in ("pandas", "polars", "duckdb")]
            peers = [x for x in peers if x and not x["error"]]
            if peers:
                best = min(x["s"] for x in peers)
                r = pr["s"] / best
                p("| risk report ≤ 0.5× fastest peer | %d | pim-bench risk %.3f s vs %.3f s: %.2f× | %s |" % (size, pr["s"], best, r, verdict(r <= 0.5)))
        cr = stats("cli", "risk", size, "pim risk")
        pk = stats("task", "kanon5", size, "pycanon")
        pl = stats("task", "ldiv5", size, "pycanon")
        pim_k = stats("task", "kanon5", size, "pim")
        pim_l = stats("task", "ldiv5", size, "pim")
        if pk and pl and not pk["error"] and not pl["error"]:
            pyc = pk["s"] + pl["s"]
            if cr and not cr["error"]:
                p("| risk report ≥ 20× faster than pycanon | %d | `pim risk` (k, l, individual, household; whole process) %.3f s vs pycanon k-anonymity + l-diversity %.3f s: %.1f× faster | %s |"
                  % (size, cr["wall"], pyc, pyc / cr["wall"], verdict(pyc / cr["wall"] >= 20)))
            if pim_k and pim_l and not pim_k["error"] and not pim_l["error"]:
                p("| (in-process) | %d | kanon5 %.1f× and ldiv5 %.1f× faster than pycanon | %s |"
                  % (size, pk["s"] / pim_k["s"], pl["s"] / pim_l["s"], verdict(min(pk["s"] / pim_k["s"], pl["s"] / pim_l["s"]) >= 20)))
        pa = stats("task", "agg", size, "pim")
        if pa and not pa["error"]:
            peers = [stats("task", "agg", size, t) for t in ("pandas", "polars", "duckdb", "libhxl")]
            peers = [x for x in peers if x and not x["error"]]
            if peers:
                best = min(x["s"] for x in peers)
                r = pa["s"] / best
                p("| aggregate ≤ 0.5× fastest peer | %d | %.3f s vs %.3f s: %.2f× | %s |" % (size, pa["s"], best, r, verdict(r <= 0.5)))
        an = stats("cli", "anonymize", size, "pim anonymize --k 5")
        ab = stats("task", "anonymize", size, "pim")
        if size == 1000000 and (an or ab):
            parts = []
            good = True
            if an and not an["error"]:
                parts.append("`pim anonymize` %.3f s whole process" % an["wall"])
                good = good and an["wall"] < 5
            if ab and not ab["error"]:
                parts.append("pim-bench %.3f s in-process (min k after = %s)" % (ab["s"], ab["rec"].get("result", {}).get("min_k_after")))
                good = good and ab["s"] < 5
            p("| anonymize --k 5 on 1M < 5 s | %d | %s | %s |" % (size, "; ".join(parts), verdict(good)))
    p("")
    if verdicts.get("digest mismatches"):
        p("Digest mismatches: " + ", ".join(verdicts["digest mismatches"]) + "\n")
    else:
        p("Every peer's digest equals pim's for every comparable task.\n")
    print("\n".join(out))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("runs")
    for k in ("group", "task", "tool", "time_file", "stdout_file"):
        r.add_argument("--" + k.replace("_", "-"), required=True)
    r.add_argument("--stderr-file")
    r.add_argument("--size", type=int, required=True)
    r.add_argument("--run", type=int, required=True)
    r.add_argument("--rc", type=int, default=0)
    q = sub.add_parser("predict")
    q.add_argument("runs")
    q.add_argument("--task", required=True)
    q.add_argument("--tool", required=True)
    q.add_argument("--size", type=int, required=True)
    q.add_argument("--max-s", type=float, required=True)
    q.add_argument("--prior", nargs="*", help="runs.jsonl files of earlier runs (smaller sizes) to predict from")
    s = sub.add_parser("summary")
    s.add_argument("runs")
    s.add_argument("--machine")
    a = ap.parse_args()
    if a.cmd == "record":
        cmd_record(a)
    elif a.cmd == "predict":
        sys.exit(cmd_predict(a))
    else:
        cmd_summary(a)


if __name__ == "__main__":
    main()
