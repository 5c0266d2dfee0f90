#!/usr/bin/python3
"""Plots a frame_throughput JSON report: latency CDF per size, and fps per size
against the two-core bound. Uses Debian's python3-matplotlib.

    bench/plot.py results.json bench.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402


def main(src, dst):
    with open(src) as f:
        report = json.load(f)
    runs = report["pipeline"]
    floors = {(fl["width"], fl["height"]): fl for fl in report["codec_floor"]}

    fig, (cdf, fps) = plt.subplots(1, 2, figsize=(13, 5))
    for run in runs:
        samples = sorted(run["latency_samples_ms"])
        if not samples:
            continue
        ys = [(i + 1) / len(samples) for i in range(len(samples))]
        label = f'{run["width"]}x{run["height"]} {run["pacing"]}'
        cdf.plot(samples, ys, label=label, linestyle="-" if run["pacing"] != "unpaced" else "--")
    cdf.set_xscale("log")
    cdf.set_xlabel("capture to decoded, ms (log)")
    cdf.set_ylabel("fraction of frames")
    cdf.set_title("End-to-end frame latency")
    cdf.grid(True, which="both", alpha=0.3)
    cdf.legend(fontsize=8)

    unpaced = [r for r in runs if r["pacing"] == "unpaced"]
    names = [f'{r["width"]}x{r["height"]}\n{r["mode"]}' for r in unpaced]
    ratios = [r["fps_over_bound"] for r in unpaced]
    bars = fps.bar(names, ratios)
    for bar, r in zip(bars, unpaced):
        fps.annotate(f'{r["fps"]:.0f} fps', (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                     ha="center", va="bottom", fontsize=8)
    fps.tick_params(axis="x", labelsize=7)
    fps.axhline(0.9, color="red", linestyle=":", label="target 0.9")
    fps.set_ylim(0, 1.1)
    fps.set_ylabel("unpaced fps / two-core bound")
    fps.set_title("Throughput against the bound")
    fps.legend(fontsize=8)

    fig.suptitle(report["machine"])
    fig.tight_layout()
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot.py REPORT.json OUT.png")
    main(sys.argv[1], sys.argv[2])
