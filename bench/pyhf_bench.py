"""Times pyhf on one workspace, with the workloads and output of hs3bench.

bench/run calls it once per model with Debian's /usr/bin/python3 and
PYTHONPATH pointing at a pyhf source tree (HS3_PYHF_SRC), so both sides
measure the same work: the same workspace, patch, starting point, POI
grid and test statistic. pyhf uses its numpy backend; fits use scipy's
SLSQP (pyhf's default), except the fit with errors, which only Minuit
(with Hesse) gives.

    PYTHONPATH=/path/to/pyhf/src /usr/bin/python3 bench/pyhf_bench.py \\
        --model BkgOnly.json --patch patch.json --workloads nll,fit
"""

import argparse
import json
import logging
import resource
import sys
import time
import warnings


def memory_now():
    """Resident bytes now (VmRSS)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return float(line.split()[1]) * 1024
    return 0.0


def memory_peak():
    """Resident bytes at the high-water mark (ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0


def time_repeated(job, args, batched):
    """Per-call seconds, as hs3bench's timeRepeated: a time budget, a
    minimum of repetitions, and batches for calls below the clock's
    resolution."""
    batch = 1
    if batched:
        while True:
            start = time.perf_counter()
            for _ in range(batch):
                job()
            if time.perf_counter() - start >= 2e-3 or batch >= 1 << 20:
                break
            batch *= 2
    samples = []
    begin = time.perf_counter()
    while len(samples) < args.max_reps:
        start = time.perf_counter()
        for _ in range(batch):
            job()
        samples.append((time.perf_counter() - start) / batch)
        enough = len(samples) >= args.min_reps
        if enough and time.perf_counter() - begin >= args.budget:
            break
    return samples


class Bench:
    def __init__(self, args):
        import pyhf

        self.pyhf = pyhf
        self.args = args
        pyhf.set_backend("numpy", "scipy")

    def load(self):
        """The model and data, with the patch applied as `pyhf cls -p`
        (a JSON Patch file) or PatchSet.apply (patchset.json:NAME)."""
        pyhf = self.pyhf
        with open(self.args.model) as f:
            workspace = pyhf.Workspace(json.load(f))
        patches = []
        for spec in self.args.patch:
            path, _, name = spec.partition(":")
            with open(path) as f:
                patch = json.load(f)
            if name:
                workspace = pyhf.PatchSet(patch).apply(workspace, name)
            else:
                patches.append(patch)
        model = workspace.model(patches=patches)
        return model, workspace.data(model)

    def run(self):
        before = memory_now()
        start = time.perf_counter()
        self.model, self.data = self.load()
        load_seconds = time.perf_counter() - start
        self.init = self.pyhf.tensorlib.astensor(
            self.model.config.suggested_init())
        after_load = memory_peak()
        workloads = {}
        for name in self.args.workloads:
            try:
                result = {}
                result["samples"] = self.time(name, result)
                workloads[name] = result
            except NotImplementedError as e:
                workloads[name] = {"unavailable": str(e)}
            except Exception as e:  # one failure does not stop the rest
                workloads[name] = {"error": f"{type(e).__name__}: {e}"}
        return {
            "engine": "pyhf",
            "pyhf_version": self.pyhf.__version__,
            "parameters": len(self.init),
            "main_bins": self.model.config.nmaindata,
            "first_load_s": load_seconds,
            "memory_before_bytes": before,
            "memory_after_load_bytes": after_load - before,
            "memory_peak_bytes": memory_peak() - before,
            "workloads": workloads,
        }

    def time(self, name, result):
        pyhf, args = self.pyhf, self.args
        model, data, init = self.model, self.data, self.init
        if name == "load":
            return time_repeated(self.load, args, False)
        if name == "nll":
            value = [0.0]

            def nll():
                value[0] = -float(model.logpdf(init, data)[0])

            samples = time_repeated(nll, args, True)
            result["nll"] = value[0]
            return samples
        if name == "nll_grad":
            raise NotImplementedError(
                "pyhf's numpy backend has no gradient (its fits use finite "
                "differences)")
        if name == "fit":
            fit = {}

            def job():
                pyhf.set_backend("numpy", pyhf.optimize.minuit_optimizer(
                    verbose=0))
                try:
                    fit["r"] = pyhf.infer.mle.fit(
                        data, model, return_uncertainties=True,
                        return_fitted_val=True)
                finally:
                    pyhf.set_backend("numpy", "scipy")

            samples = time_repeated(job, args, False)
            pars, twice_nll = fit["r"]
            result["twice_nll"] = float(twice_nll)
            poi = model.config.poi_index
            if poi is not None:
                result["poi"] = float(pars[poi][0])
                result["poi_error"] = float(pars[poi][1])
            return samples
        if name == "fit_noerr":
            fit = {}

            def job():
                fit["r"] = pyhf.infer.mle.fit(data, model,
                                              return_fitted_val=True)

            samples = time_repeated(job, args, False)
            result["twice_nll"] = float(fit["r"][1])
            return samples
        if name == "hypotest":
            out = {}

            def job():
                out["r"] = pyhf.infer.hypotest(
                    1.0, data, model, test_stat="qtilde",
                    return_expected_set=True)

            samples = time_repeated(job, args, False)
            result["cls_obs"] = float(out["r"][0])
            result["cls_exp_median"] = float(out["r"][1][2])
            return samples
        if name == "limit":
            out = {}

            def job():
                out["r"] = pyhf.infer.intervals.upper_limits.upper_limit(
                    data, model, scan=None, level=0.05)

            samples = time_repeated(job, args, False)
            result["obs"] = float(out["r"][0])
            result["exp_median"] = float(out["r"][1][2])
            return samples
        if name == "scan":
            lower, upper = model.config.suggested_bounds()[
                model.config.poi_index]
            lo, hi = max(lower, 0.0), min(upper, 3.0)
            grid = [lo + (hi - lo) * i / 30 for i in range(31)]
            out = {}

            # A free fit for the minimum, then one fit per point, as
            # Inference::scan; pyhf has no warm starts.
            def job():
                best = pyhf.infer.mle.fit(data, model, return_fitted_val=True)
                out["best"] = float(best[0][model.config.poi_index])
                out["points"] = [
                    pyhf.infer.mle.fixed_poi_fit(
                        mu, data, model, return_fitted_val=True)[1]
                    for mu in grid
                ]

            samples = time_repeated(job, args, False)
            result["points"] = len(out["points"])
            result["best_fit"] = out["best"]
            return samples
        if name == "patchset":
            return self.time_patchset(result)
        raise NotImplementedError(f"no pyhf version of workload {name}")

    def time_patchset(self, result):
        pyhf, args = self.pyhf, self.args
        if not args.patchset:
            raise ValueError("the patchset workload needs --patchset")
        # Reading the files is part of the cost, as for hs3bench.
        out = {}

        def job():
            with open(args.model) as f:
                workspace = pyhf.Workspace(json.load(f))
            with open(args.patchset) as f:
                patchset = pyhf.PatchSet(json.load(f))
            total = 0.0
            for patch in patchset.patches:
                patched = patchset.apply(workspace, patch.name)
                model = patched.model()
                total += float(pyhf.infer.hypotest(
                    1.0, patched.data(model), model, test_stat="qtilde"))
            out["n"], out["sum"] = len(patchset.patches), total

        samples = time_repeated(job, args, False)
        result["patches"] = out["n"]
        result["sum_cls_obs"] = out["sum"]
        return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--patch", action="append", default=[])
    parser.add_argument("--patchset", default="")
    parser.add_argument("--workloads", default="nll",
                        type=lambda text: text.split(","))
    parser.add_argument("--budget", type=float, default=0.5)
    parser.add_argument("--min-reps", type=int, default=3)
    parser.add_argument("--max-reps", type=int, default=1000)
    args = parser.parse_args()

    # pyhf's warnings (e.g. POI at its bound) repeat once per repetition.
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    json.dump(Bench(args).run(), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
