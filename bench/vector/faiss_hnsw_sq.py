#!/usr/bin/env python3
"""faiss IndexHNSWSQ (8-bit scalar quantiser, QT_8bit: per-dimension min/max) as an anchor
for Frontier's int8 traversal: what quantisation alone buys in a mature library.

Unlike Frontier (graph built on floats, int8 codes only for the walk, exact re-ranking),
faiss builds the graph on the decoded codes and returns the quantised distances.

  --mode ann       unfiltered, all queries in one call (bench_ann.py's batch mode);
                   rows in the bench_ann.py CSV (lib faiss-hnsw-sq8)
  --mode filtered  post-filtering as bench_filtered.py's hnsw-postfilter does (one call per
                   query with k' = 1.5 k / selectivity, failing ids dropped); rows in the
                   bench_filtered.py CSV (method faiss-hnswsq-postfilter)

  taskset -c 1 python faiss_hnsw_sq.py --data DATA --mode filtered --sets rng_0.5,rng_0.1 --out f.csv
"""
import argparse
import csv
import math
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402

ANCHORS = os.environ.get("ANCHORS", "/work/shared/anchors/vector")
sys.path.insert(0, ANCHORS)
from vs_common import Timer, load_meta, loadavg, predicate_mask, read_fvecs, read_ivecs, recall_at_k  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True)
ap.add_argument("--mode", choices=["ann", "filtered"], required=True)
ap.add_argument("--M", type=int, default=16)
ap.add_argument("--efc", type=int, default=200)
ap.add_argument("--params", default="16,32,64,128,256")
ap.add_argument("--sets", default="rng_0.5,rng_0.1")
ap.add_argument("--nq", type=int, default=0)
ap.add_argument("--repeats", type=int, default=3)
ap.add_argument("--out", required=True)
a = ap.parse_args()

import faiss  # noqa: E402
faiss.omp_set_num_threads(1)
K = 10
meta = load_meta(a.data)
xb = read_fvecs(os.path.join(a.data, "base.fvecs"))
xq = read_fvecs(os.path.join(a.data, "query.fvecs"))
if a.nq:
    xq = xq[:a.nq]
n, d = xb.shape
mt = faiss.METRIC_INNER_PRODUCT if meta["metric"] == "ip" else faiss.METRIC_L2
index = faiss.IndexHNSWSQ(d, faiss.ScalarQuantizer.QT_8bit, a.M, mt)
index.hnsw.efConstruction = a.efc
with Timer() as tb:
    index.train(xb)
    index.add(xb)
params = [int(p) for p in a.params.split(",")]
rows = []
if a.mode == "ann":
    gt = read_ivecs(os.path.join(a.data, "gt.ivecs"))[:len(xq)]
    for ef in params:
        index.hnsw.efSearch = ef
        index.search(xq[:50], K)
        best = None
        for _ in range(a.repeats):
            with Timer() as ts:
                found = index.search(xq, K)[1]
            if best is None or ts.cpu < best[0].cpu:
                best = (ts, found)
        ts, found = best
        rec = recall_at_k(found, gt, K)
        rows.append(dict(dataset=meta["name"], n=n, d=d, metric=meta["metric"], lib="faiss-hnsw-sq8",
                         version=faiss.__version__, M=a.M, efC=a.efc, ef=ef, k=K, threads=1, mode="batch",
                         nq=len(xq), recall=round(rec, 4), qps_wall=round(len(xq) / ts.wall, 1),
                         qps_cpu=round(len(xq) / max(ts.cpu, 1e-9), 1), build_s=round(tb.wall, 2),
                         build_cpu_s=round(tb.cpu, 2), load_s="", index_rss_mb="", peak_rss_mb="",
                         data_rss_mb="", disk_mb="", p50_us="", p99_us="", loadavg=round(loadavg(), 2)))
        print(f"faiss-hnsw-sq8 ef={ef:<4d} recall@10={rec:.4f} qps(cpu)={rows[-1]['qps_cpu']:>9.1f} "
              f"build={tb.wall:.1f}s", flush=True)
else:
    attrs = read_ivecs(os.path.join(a.data, "attrs.ivecs"))
    for name in a.sets.split(","):
        flt = read_ivecs(os.path.join(a.data, f"filters_{name}.ivecs"))[:len(xq)]
        gt = read_ivecs(os.path.join(a.data, f"gt_{name}.ivecs"))[:len(xq)]
        masks = [predicate_mask(attrs, tuple(int(x) for x in row), 0, 2) for row in flt]
        for p in params:
            found = np.full((len(xq), K), -1, dtype=np.int64)
            with Timer() as ts:
                for i in range(len(xq)):
                    m = masks[i]
                    sel = max(m.mean(), 1.0 / n)
                    kk = int(min(n, max(K, math.ceil(K / sel * 1.5))))
                    kk = min(kk, 5000)
                    index.hnsw.efSearch = max(p, kk)
                    lab = index.search(xq[i:i + 1], kk)[1][0]
                    keep = [x for x in lab if x >= 0 and m[x]][:K]
                    found[i, :len(keep)] = keep
            rec = recall_at_k(found, gt, K)
            rows.append(dict(dataset=meta["name"], n=n, d=d, filter_set=name,
                             mean_selectivity=round(meta["filters"][name]["mean_selectivity"], 5),
                             method="faiss-hnswsq-postfilter", M=a.M, efC=a.efc, param=p, k=K, nq=len(xq),
                             recall=round(rec, 4), qps_wall=round(len(xq) / ts.wall, 1),
                             qps_cpu=round(len(xq) / max(ts.cpu, 1e-9), 1), build_s=round(tb.wall, 1),
                             build_cpu_s=round(tb.cpu, 1), loadavg=round(loadavg(), 2)))
            print(f"faiss-hnswsq-postfilter {name:9s} p={p:<4d} recall@10={rec:.4f} "
                  f"qps(cpu)={rows[-1]['qps_cpu']:>9.1f}", flush=True)
new = not os.path.exists(a.out)
with open(a.out, "a", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    if new:
        w.writeheader()
    w.writerows(rows)
