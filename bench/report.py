"""Turns bench/run's results.json into the markdown tables and SVG plots.

Every ratio compares engines measured in the same run. Times are medians of
the samples; the spread is the interquartile range over the median (the
full range when there are fewer than four samples).
"""

import math
import os
import re
import platform
import statistics
import subprocess

ENGINES = ["native", "wasm", "wasm-js", "pyhf"]
WORKLOAD_NAMES = {
    "load": "load (parse + build)",
    "nll": "NLL",
    "nll_grad": "NLL + gradient",
    "fit": "fit with errors",
    "fit_noerr": "fit, no errors",
    "hypotest": "hypotest (mu=1, qtilde)",
    "limit": "95% CLs upper limit",
    "scan": "31-point profile scan",
    "patchset": "whole patchset (hypotest each)",
}


def machine():
    def first(command):
        try:
            return subprocess.run(command, capture_output=True, text=True,
                                  timeout=10).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "unknown"

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(),
            "system": platform.platform(), "node": first(["node", "--version"]),
            "emcc": re.sub(r"\s*\(.*?\)\s*", " ",
                           first(["em++", "--version"])).strip(),
            "cxx": first(["c++", "--version"])}


# -- numbers ----------------------------------------------------------------

def samples(case, engine, workload):
    entry = case["engines"].get(engine, {}).get("workloads", {}).get(workload)
    if entry and entry.get("samples"):
        return entry["samples"]
    return None


def median(case, engine, workload):
    s = samples(case, engine, workload)
    return statistics.median(s) if s else None


def best(case, engine, workload):
    s = samples(case, engine, workload)
    return min(s) if s else None


def spread(values):
    if len(values) < 2:
        return None
    m = statistics.median(values)
    if m <= 0:
        return None
    if len(values) >= 4:
        q = statistics.quantiles(values, n=4)
        return (q[2] - q[0]) / m
    return (max(values) - min(values)) / m


def why_missing(case, engine, workload):
    slot = case["engines"].get(engine, {})
    entry = slot.get("workloads", {}).get(workload, {})
    return (entry.get("unavailable") or entry.get("error") or
            slot.get("error") or "not run")


def fmt_time(seconds):
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_cell(case, engine, workload, notes):
    s = samples(case, engine, workload)
    if not s:
        note = why_missing(case, engine, workload)
        if note not in notes:
            notes.append(note)
        return f"n/a[{notes.index(note) + 1}]"
    text = fmt_time(statistics.median(s))
    sp = spread(s)
    return text + (f" ±{sp * 50:.0f}%" if sp is not None else "")


def fmt_ratio(a, b):
    if a is None or b is None or b <= 0:
        return "—"
    r = a / b
    return f"{r:.3g}×"


def fmt_bytes(n):
    if n is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.3g} {unit}" if unit != "B" else f"{n:.0f} B"
        n /= 1024


def peak(case, engine):
    slot = case["engines"].get(engine, {})
    return slot.get("memory_peak_bytes") if slot.get("workloads") else None


def short(name):
    return (name.replace("atlas_susy_", "").replace("hs3_", "")
            .replace("_bkgRooExp_sigGauss_shapeFloat_npOn_constrGauss", ""))


# -- markdown ---------------------------------------------------------------

def workload_table(cases, workloads, notes):
    lines = [
        "| case | workload | native | wasm | wasm-js | pyhf | wasm ÷ native "
        "| pyhf ÷ wasm | pyhf ÷ native |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case in cases:
        for w in workloads:
            if not any(w in case["engines"].get(e, {}).get("workloads", {})
                       for e in ENGINES):
                continue
            native, wasm = median(case, "native", w), median(case, "wasm", w)
            pyhf = median(case, "pyhf", w)
            cells = [fmt_cell(case, e, w, notes) for e in ENGINES]
            lines.append(
                f"| {short(case['name'])} | {WORKLOAD_NAMES.get(w, w)} | " +
                " | ".join(cells) +
                f" | {fmt_ratio(wasm, native)} | {fmt_ratio(pyhf, wasm)} "
                f"| {fmt_ratio(pyhf, native)} |")
    return lines


def memory_table(cases):
    lines = [
        "| case | JSON | arrays | params | stream bound | NLL native ÷ bound "
        "| NLL+grad wasm ÷ bound | NLL pyhf ÷ bound | peak native (÷ JSON) "
        "| peak wasm (÷ JSON) | peak pyhf (÷ JSON) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case in cases:
        bound = median(case, "native", "stream")
        json_bytes = case["json_bytes"]
        params = case["engines"].get("native", {}).get("parameters", "—")

        def mem(engine):
            p = peak(case, engine)
            if p is None:
                return "—"
            return f"{fmt_bytes(p)} ({p / json_bytes:.2g}×)"

        lines.append(
            f"| {short(case['name'])} | {fmt_bytes(json_bytes)} "
            f"| {fmt_bytes(case['array_bytes'])} | {params} "
            f"| {fmt_time(bound)} "
            f"| {fmt_ratio(median(case, 'native', 'nll'), bound)} "
            f"| {fmt_ratio(median(case, 'wasm', 'nll_grad'), bound)} "
            f"| {fmt_ratio(median(case, 'pyhf', 'nll'), bound)} "
            f"| {mem('native')} | {mem('wasm')} | {mem('pyhf')} |")
    return lines


def first_load(case, engine):
    return fmt_time(case["engines"].get(engine, {}).get("first_load_s"))


def scaling_table(cases, notes):
    loads = ("native", "wasm", "pyhf")
    lines = [
        "| channels | bins/ch | NPs | params | bins × modifiers | JSON "
        "| load native / wasm / pyhf | NLL+grad native | per unit "
        "| NLL+grad wasm | NLL+grad wasm-js | NLL pyhf | fit native "
        "| fit wasm | peak native (÷ JSON) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case in cases:
        native = median(case, "native", "nll_grad")
        per = f"{native / case['work'] * 1e9:.3g} ns" if native else "—"
        p = peak(case, "native")
        mem = f"{fmt_bytes(p)} ({p / case['json_bytes']:.2g}×)" if p else "—"
        lines.append(
            f"| {case['channels']} | {case['bins']} | {case['nps']} "
            f"| {case['engines'].get('native', {}).get('parameters', '—')} "
            f"| {case['work']} | {fmt_bytes(case['json_bytes'])} "
            f"| {' / '.join(first_load(case, e) for e in loads)} "
            f"| {fmt_cell(case, 'native', 'nll_grad', notes)} | {per} "
            f"| {fmt_cell(case, 'wasm', 'nll_grad', notes)} "
            f"| {fmt_cell(case, 'wasm-js', 'nll_grad', notes)} "
            f"| {fmt_cell(case, 'pyhf', 'nll', notes)} "
            f"| {fmt_cell(case, 'native', 'fit', notes)} "
            f"| {fmt_cell(case, 'wasm', 'fit', notes)} | {mem} |")
    return lines


def loglog_slope(points):
    """Least-squares slope of log(y) against log(x)."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else None


def check(ok):
    if ok is None:
        return "not measured"
    return "**met**" if ok else "**not met**"


def targets(document):
    cases = document["cases"]
    atlas = [c for c in cases if c["family"] == "atlas"]
    scaling = [c for c in cases if c["family"] == "scaling"]
    lines = ["| target | measured | verdict |", "|---|---|---|"]

    def each(values, test):
        if not values or any(v is None for v in values):
            return None
        return all(test(v) for v in values)

    # Verdicts use medians; the fastest sample, in brackets, shows what the
    # code can do when the machine is quiet.
    def ratio(c, of):
        p, w = of(c, "pyhf", "nll"), of(c, "wasm", "nll_grad")
        return p / w if p and w else None

    values = [ratio(c, median) for c in atlas]
    text = ", ".join(f"{fmt_ratio(ratio(c, median), 1)} "
                     f"({fmt_ratio(ratio(c, best), 1)})" for c in atlas)
    verdict = check(each(values, lambda v: v >= 30))
    lines.append("| wasm NLL+gradient ≥ 30× faster than pyhf NLL (ATLAS; "
                 f"median (best)) | {text} | {verdict} |")

    for workload, limit, label in (
            ("fit", 0.05, "wasm fit with errors < 50 ms"),
            ("limit", 1.0, "wasm 95% upper limit < 1 s")):
        values = [median(c, "wasm", workload) for c in atlas]
        text = ", ".join(f"{fmt_time(median(c, 'wasm', workload))} "
                         f"({fmt_time(best(c, 'wasm', workload))})"
                         for c in atlas)
        lines.append(f"| {label} (ATLAS; median (best)) | {text} "
                     f"| {check(each(values, lambda v: v < limit))} |")

    for engine in ("native", "wasm"):
        # Below 1e4 units the cost per parameter, not per bin, dominates.
        pts = [(c["work"], median(c, engine, "nll_grad")) for c in scaling
               if c["work"] >= 1e4]
        slope = loglog_slope(pts)
        text = f"slope {slope:.2f}" if slope is not None else "—"
        per = [y / x for x, y in pts if y]
        if per:
            text += f"; time per unit {min(per) * 1e9:.3g}–" \
                    f"{max(per) * 1e9:.3g} ns"
        ok = None if slope is None else 0.85 <= slope <= 1.15
        lines.append(f"| {engine} NLL+gradient linear in bins × modifiers "
                     f"(log-log slope 1 ± 0.15, models of ≥ 1e4 units) "
                     f"| {text} | {check(ok)} |")

    for engine in ("native", "wasm"):
        # Smaller inputs measure the process's fixed overhead (1.5 MB
        # natively), not the model's growth.
        worst = None
        for c in cases:
            p = peak(c, engine) if c["json_bytes"] >= 1e6 else None
            if p:
                r = p / c["json_bytes"]
                if worst is None or r > worst[0]:
                    worst = (r, c["name"])
        text = (f"worst {worst[0]:.2g}× ({short(worst[1])})" if worst
                else "—")
        lines.append(f"| {engine} peak memory < 5× JSON size (inputs of "
                     f"≥ 1 MB) | {text} "
                     f"| {check(None if worst is None else worst[0] < 5)} |")
    return lines


def microbench_table(micro):
    if not micro or "benchmarks" not in micro:
        return ["Google Benchmark did not run: " +
                str((micro or {}).get("error", "no scaling models"))]
    lines = ["| benchmark | time | bins × modifiers | per unit |",
             "|---|---|---|---|"]
    for b in micro["benchmarks"]:
        seconds = b["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3,
                                    "s": 1.0}[b["time_unit"]]
        work = b.get("bins_x_modifiers")
        per = f"{seconds / work * 1e9:.3g} ns" if work else "—"
        lines.append(f"| {b['name']} | {fmt_time(seconds)} "
                     f"| {int(work) if work else '—'} | {per} |")
    return lines


def markdown(document):
    cases = document["cases"]
    notes = []
    m = document["machine"]
    quick = " --quick" if document["mode"] == "quick" else ""
    out = [
        "# hs3web benchmarks",
        "",
        f"Written by `bench/run{quick}` in {document['seconds']:.0f} s on "
        f"{m['cpu']} ({m['cores']} cores), Node {m['node']}, {m['emcc']}. "
        "All numbers "
        "come from this one run. Times are medians, ± half the "
        "interquartile range (or of the full range below four samples), "
        "relative to the median. `wasm` is the engine compiled to "
        "WebAssembly and driven from C++ under Node; `wasm-js` goes "
        "through wasm/hs3web.mjs; `pyhf` is pyhf's numpy backend (fits: "
        "scipy SLSQP, the fit with errors: Minuit + Hesse). Ratios above "
        "1 mean the engine in the denominator is faster.",
        "",
        "## Targets",
        "",
    ]
    out += targets(document)
    atlas = [c for c in cases if c["family"] == "atlas"]
    hs3 = [c for c in cases if c["family"] == "hs3"]
    scaling = [c for c in cases if c["family"] == "scaling"]
    order = ["load", "nll", "nll_grad", "fit", "fit_noerr", "hypotest",
             "limit", "scan", "patchset"]
    if atlas:
        out += ["", "## ATLAS likelihoods (../shared/golden)", ""]
        out += workload_table(atlas, order, notes)
    if hs3:
        out += ["", "## ROOT-written HS3 models (../shared/hs3/benchmarks, "
                "first analysis)", ""]
        out += workload_table(hs3, order, notes)
    if scaling:
        out += ["", "## Scaling family (bench/generate_models.py)", "",
                "Each model: signal and four backgrounds per channel, "
                "staterror on the backgrounds, every nuisance parameter a "
                "normsys (40% of them) or normsys + histosys (60%) on half of "
                "the (channel, sample) pairs. *Per unit* is the native "
                "NLL+gradient time divided by bins × modifiers.", ""]
        out += scaling_table(scaling, notes)
    out += ["", "## Memory and the streaming bound", "",
            "*Stream bound*: the time this machine needs to read the model's "
            "numbers (as doubles) once, from cache or memory as they would "
            "be during a fit; no evaluation can be faster. Peak memory is "
            "the growth of the process's peak resident size (native, pyhf) "
            "or of the wasm heap from loading to the end of the workloads.",
            ""]
    out += memory_table(atlas + hs3 + scaling)
    if document.get("microbench") is not None:
        out += ["", "## Google Benchmark (native, scaling family)", ""]
        out += microbench_table(document["microbench"])
    if notes:
        out += ["", "## Why a cell is empty", ""]
        out += [f"{i + 1}. {n}" for i, n in enumerate(notes)]
    out += ["", "Plots: results/scaling.svg (time against bins × modifiers) "
            "and results/atlas.svg (ATLAS workloads by engine).", ""]
    return "\n".join(out)


# -- plots ------------------------------------------------------------------

COLOURS = {"native": "#1f77b4", "wasm": "#d62728", "wasm-js": "#ff7f0e",
           "pyhf": "#2ca02c", "bound": "#555555"}


class Svg:
    """A log-scaled plot area in plain SVG."""

    def __init__(self, width=720, height=440, margin=(70, 20, 30, 60)):
        self.w, self.h = width, height
        self.left, self.right, self.top, self.bottom = margin
        self.items = []

    def text(self, x, y, s, size=12, anchor="middle", rotate=None):
        t = f' transform="rotate({rotate} {x} {y})"' if rotate else ""
        self.items.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" '
            f'text-anchor="{anchor}" font-family="sans-serif"{t}>{s}</text>')

    def line(self, x1, y1, x2, y2, colour="#000", width=1, dash=None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.items.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{colour}" stroke-width="{width}"{d}/>')

    def rect(self, x, y, w, h, colour):
        self.items.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                          f'height="{h:.1f}" fill="{colour}"/>')

    def circle(self, x, y, colour):
        self.items.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" '
                          f'fill="{colour}"/>')

    def polyline(self, points, colour, dash=None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.items.append(f'<polyline points="{pts}" fill="none" '
                          f'stroke="{colour}" stroke-width="1.5"{d}/>')

    def write(self, path):
        with open(path, "w") as f:
            f.write(f'<svg xmlns="http://www.w3.org/2000/svg" '
                    f'width="{self.w}" height="{self.h}" '
                    f'viewBox="0 0 {self.w} {self.h}">\n'
                    f'<rect width="100%" height="100%" fill="white"/>\n')
            f.write("\n".join(self.items))
            f.write("\n</svg>\n")


def log_axis(lo, hi):
    return math.floor(math.log10(lo)), math.ceil(math.log10(hi))


def y_axis(svg, ylo, yhi, label):
    """Decades on a log y axis; returns the value-to-pixel map."""
    y0, y1 = svg.top, svg.h - svg.bottom

    def ymap(v):
        return y1 - (math.log10(v) - ylo) / (yhi - ylo) * (y1 - y0)

    for d in range(ylo, yhi + 1):
        svg.line(svg.left, ymap(10 ** d), svg.w - svg.right, ymap(10 ** d),
                 "#ddd")
        svg.text(svg.left - 6, ymap(10 ** d) + 4, fmt_time(10 ** d), 11,
                 "end")
    svg.text(16, (y0 + y1) / 2, label, 12, rotate=-90)
    return ymap


def scaling_plot(cases, path):
    series = {
        "native NLL+grad": ("native", "nll_grad", COLOURS["native"], None),
        "wasm NLL+grad": ("wasm", "nll_grad", COLOURS["wasm"], None),
        "wasm-js NLL+grad": ("wasm-js", "nll_grad", COLOURS["wasm-js"], None),
        "pyhf NLL": ("pyhf", "nll", COLOURS["pyhf"], None),
        "stream bound": ("native", "stream", COLOURS["bound"], "4 3"),
    }
    points = {k: sorted((c["work"], median(c, e, w)) for c in cases
                        if median(c, e, w))
              for k, (e, w, _, _) in series.items()}
    xs = [x for p in points.values() for x, _ in p]
    ys = [y for p in points.values() for _, y in p]
    if not xs:
        return
    svg = Svg()
    xlo, xhi = log_axis(min(xs), max(xs))
    ylo, yhi = log_axis(min(ys), max(ys))
    x0, x1 = svg.left, svg.w - svg.right

    def xmap(v):
        return x0 + (math.log10(v) - xlo) / (xhi - xlo) * (x1 - x0)

    ymap = y_axis(svg, ylo, yhi, "time per evaluation")
    for d in range(xlo, xhi + 1):
        svg.line(xmap(10 ** d), svg.top, xmap(10 ** d), svg.h - svg.bottom,
                 "#ddd")
        svg.text(xmap(10 ** d), svg.h - svg.bottom + 16, f"1e{d}", 11)
    svg.text((x0 + x1) / 2, svg.h - 12,
             "bins × modifiers (the work one evaluation must do)", 12)
    for k, (e, w, colour, dash) in series.items():
        pts = [(xmap(x), ymap(y)) for x, y in points[k]]
        if pts:
            svg.polyline(pts, colour, dash)
            for x, y in pts:
                svg.circle(x, y, colour)
    for i, (k, (_, _, colour, dash)) in enumerate(series.items()):
        y = svg.top + 14 + 16 * i
        svg.line(x0 + 10, y - 4, x0 + 34, y - 4, colour, 2, dash)
        svg.text(x0 + 40, y, k, 11, "start")
    svg.text((x0 + x1) / 2, 14, "Scaling family: time against work "
             "(a slope of one decade per decade is linear)", 13)
    svg.write(path)


def atlas_plot(cases, path):
    workloads = ["nll", "nll_grad", "fit", "hypotest", "limit", "scan"]
    bars = [(c, w, e, median(c, e, w)) for c in cases for w in workloads
            for e in ENGINES]
    values = [v for *_, v in bars if v]
    if not values:
        return
    svg = Svg(width=960, height=460, margin=(70, 20, 50, 90))
    ylo, yhi = log_axis(min(values), max(values))
    ymap = y_axis(svg, ylo, yhi, "median time")
    groups = len(cases) * len(workloads)
    slot = (svg.w - svg.right - svg.left) / groups
    bar = slot * 0.8 / len(ENGINES)
    base = svg.h - svg.bottom
    for g, (c, w) in enumerate((c, w) for c in cases for w in workloads):
        x = svg.left + g * slot + slot * 0.1
        for i, e in enumerate(ENGINES):
            v = median(c, e, w)
            if v:
                svg.rect(x + i * bar, ymap(v), bar, base - ymap(v),
                         COLOURS[e])
        svg.text(x + slot * 0.4, base + 10, w, 9, "end", rotate=-45)
    for i, c in enumerate(cases):
        x = svg.left + (i + 0.5) * len(workloads) * slot
        svg.text(x, svg.h - 8, short(c["name"])[:28], 10)
    for i, e in enumerate(ENGINES):
        svg.rect(svg.left + 10 + 90 * i, svg.top + 2, 10, 10, COLOURS[e])
        svg.text(svg.left + 24 + 90 * i, svg.top + 11, e, 11, "start")
    svg.text(svg.w / 2, 14, "ATLAS likelihoods: median time by workload "
             "and engine (log scale)", 13)
    svg.write(path)


def main():
    """Rewrites results.md and the plots from a results.json."""
    import json
    import sys

    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "results", "results.json")
    with open(path) as f:
        document = json.load(f)
    outdir = os.path.dirname(path)
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write(markdown(document))
    write_plots(document, outdir)


def write_plots(document, outdir):
    cases = document["cases"]
    scaling_plot([c for c in cases if c["family"] == "scaling"],
                 os.path.join(outdir, "scaling.svg"))
    atlas_plot([c for c in cases if c["family"] == "atlas"],
               os.path.join(outdir, "atlas.svg"))


if __name__ == "__main__":
    main()
