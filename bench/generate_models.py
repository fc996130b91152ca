"""Writes the scaling family: realistic pyhf HistFactory workspaces of a
chosen size, to show how time and memory grow with channels, bins and
nuisance parameters.

Each channel holds a signal (scaled by the POI mu_SIG, with lumi) and four
backgrounds with falling spectra; every background carries a staterror.
Each nuisance parameter is, as in ATLAS exports, a normsys or a normsys
plus histosys of the same name (a shape and a normalisation part), and
touches half of the (channel, sample) pairs, chosen at random. Observed
data are a Poisson draw of the nominal prediction. A fixed seed makes
every file the same on every machine.

The file name carries what the benchmarks need:
    scale_c<channels>_b<bins>_n<nps>_w<bins x modifiers>_a<array bytes>.json
where bins x modifiers counts every (modifier, bin) the likelihood must
touch and array bytes are the model's numbers as doubles.

    /usr/bin/python3 bench/generate_models.py OUTDIR 4:20:100 1:20:100 ...
"""

import json
import os
import sys

import numpy as np

BACKGROUNDS = ["bkg_ttbar", "bkg_wjets", "bkg_diboson", "bkg_fakes"]


def spectrum(rng, nbins, scale):
    """A falling spectrum with some bin-to-bin roughness, never zero."""
    x = (np.arange(nbins) + 0.5) / nbins
    slope = rng.uniform(1.0, 4.0)
    rough = rng.uniform(0.9, 1.1, nbins)
    return scale * np.exp(-slope * x) * rough + 0.05


def make_workspace(channels, bins, nps, seed=1):
    rng = np.random.default_rng(seed + 7919 * channels + 31 * bins + nps)
    names = [f"ch{c:03d}" for c in range(channels)]
    samples = ["signal"] + BACKGROUNDS
    # Which nuisance parameters act on which (channel, sample), and how.
    touches = rng.random((nps, channels, len(samples))) < 0.5
    has_shape = rng.random(nps) < 0.6
    size = rng.uniform(0.01, 0.12, nps)

    spec_channels, observations = [], []
    work = 0
    numbers = 0
    for c, name in enumerate(names):
        channel_samples = []
        total = np.zeros(bins)
        for s, sample in enumerate(samples):
            if sample == "signal":
                nominal = spectrum(rng, bins, rng.uniform(2, 10))[::-1]
                modifiers = [
                    {"name": "mu_SIG", "type": "normfactor", "data": None},
                    {"name": "lumi", "type": "lumi", "data": None},
                ]
            else:
                nominal = spectrum(rng, bins, rng.uniform(20, 400))
                modifiers = [{
                    "name": f"staterror_{name}", "type": "staterror",
                    "data": list(np.sqrt(nominal) * 0.3),
                }]
                numbers += bins
            total += nominal
            numbers += bins
            for k in np.nonzero(touches[:, c, s])[0]:
                np_name = f"alpha_sys{k:04d}"
                up = 1 + size[k]
                modifiers.append({
                    "name": np_name, "type": "normsys",
                    "data": {"hi": up, "lo": 1 / up},
                })
                numbers += 2
                if has_shape[k]:
                    tilt = np.linspace(-1, 1, bins) * size[k] * 0.5
                    modifiers.append({
                        "name": np_name, "type": "histosys",
                        "data": {"hi_data": list(nominal * (1 + tilt)),
                                 "lo_data": list(nominal * (1 - tilt))},
                    })
                    numbers += 2 * bins
            work += bins * len(modifiers)
            channel_samples.append({"name": sample, "data": list(nominal),
                                    "modifiers": modifiers})
        spec_channels.append({"name": name, "samples": channel_samples})
        observations.append({"name": name,
                             "data": [float(n) for n in rng.poisson(total)]})

    workspace = {
        "channels": spec_channels,
        "observations": observations,
        "measurements": [{
            "name": "meas",
            "config": {"poi": "mu_SIG", "parameters": [{
                "name": "lumi", "auxdata": [1.0], "sigmas": [0.017],
                "bounds": [[0.915, 1.085]], "inits": [1.0],
            }]},
        }],
        "version": "1.0.0",
    }
    return workspace, work, numbers * 8


def write(outdir, channels, bins, nps):
    """Writes one workspace (unless present) and returns its path."""
    workspace, work, array_bytes = make_workspace(channels, bins, nps)
    name = (f"scale_c{channels}_b{bins}_n{nps}_w{work}_a{array_bytes}"
            ".json")
    path = os.path.join(outdir, name)
    if not os.path.exists(path):
        with open(path + ".tmp", "w") as f:
            json.dump(workspace, f)
        os.replace(path + ".tmp", path)
    return path


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for size in sys.argv[2:]:
        channels, bins, nps = (int(v) for v in size.split(":"))
        print(write(outdir, channels, bins, nps))


if __name__ == "__main__":
    main()
