#!/usr/bin/env python3
"""Cuts the small semantic-search demo set bundled with `frontier demo` out of
../shared/data/vectors/wordnet-minilm-50k (WordNet 3.0 glosses embedded by
all-MiniLM-L6-v2). Keeps 12 held-out queries, the exact top-10 glosses of each,
and random other glosses up to 800 vectors; attributes keep the part of speech.

  python3 bench/vector/make_demo_data.py SRC_DIR OUT_DIR
"""
import random
import struct
import sys

src, out = sys.argv[1], sys.argv[2]
NQ, TOTAL, SEED = 12, 800, 7


def read_vecs(path, fmt):
    rows = []
    with open(path, "rb") as f:
        data = f.read()
    i = 0
    while i < len(data):
        (d,) = struct.unpack_from("<i", data, i)
        rows.append(list(struct.unpack_from(f"<{d}{fmt}", data, i + 4)))
        i += 4 + 4 * d
    return rows


def write_vecs(path, rows, fmt):
    with open(path, "wb") as f:
        for r in rows:
            f.write(struct.pack("<i", len(r)))
            f.write(struct.pack(f"<{len(r)}{fmt}", *r))


base = read_vecs(f"{src}/base.fvecs", "f")
query = read_vecs(f"{src}/query.fvecs", "f")
gt = read_vecs(f"{src}/gt.ivecs", "i")
attrs = read_vecs(f"{src}/attrs.ivecs", "i")
texts = [l.rstrip("\n").split("\t") for l in open(f"{src}/texts.tsv", encoding="utf-8")]
qtexts = [l.rstrip("\n").split("\t") for l in open(f"{src}/queries.tsv", encoding="utf-8")]

keep = []
for q in range(NQ):
    for b in gt[q][:10]:
        if b not in keep:
            keep.append(b)
rng = random.Random(SEED)
while len(keep) < TOTAL:
    b = rng.randrange(len(base))
    if b not in keep:
        keep.append(b)
keep.sort()
write_vecs(f"{out}/base.fvecs", [base[b] for b in keep], "f")
write_vecs(f"{out}/attrs.ivecs", [[attrs[b][1]] for b in keep], "i")
with open(f"{out}/texts.tsv", "w", encoding="utf-8") as f:
    for b in keep:
        f.write(f"{texts[b][1]}\t{texts[b][2]}\n")
write_vecs(f"{out}/query.fvecs", query[:NQ], "f")
with open(f"{out}/queries.tsv", "w", encoding="utf-8") as f:
    for q in range(NQ):
        f.write(qtexts[q][2] + "\n")
