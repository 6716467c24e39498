"""Generate a reproducible synthetic corpus of N articles in the sample format, for benchmarks.

The generated articles are recombinations of the sample corpus (data/articles/): each takes the
header style, boilerplate and paragraph pool of one outlet, shifts the publication date, and
mixes body paragraphs from that outlet's articles.  They are NOT teaching material (the sample
corpus is hand-written; this is only load for speed and memory measurements) and are written
outside data/, by default to .cache/bench/corpus_<N>/.

    python benchmarks/generate_corpus.py 10000            # -> .cache/bench/corpus_10000
    python benchmarks/generate_corpus.py 100000 --out /tmp/c100k --seed 7
"""
from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

from helpers import paths
from helpers.corpus import load_articles

#: Header style per outlet (strftime patterns; %-d etc. are glibc extensions, fine on Linux).
HEADER_STYLES = {
    "Caixin Global": "%b %d, %Y %I:%M %p",
    "Harbour Ledger": "%A, %-d %B %Y, %H:%M HKT",
    "Pacific Wire Service": "%B %-d, %Y %-I:%M {ampm} GMT+8",
    "Digital Policy Monitor": "%Y-%m-%dT%H:%M:00+08:00",
    "The Yangtze Brief": "Published: %-d %B %Y",
    "Sino Markets Daily": "%A %-d %B %Y %H:%M Beijing time",
    "Eurasia Tech Review": "%d.%m.%Y %H:%M",
}
START, END = datetime(2020, 11, 1), datetime(2023, 8, 31)


def render_header(outlet: str, when: datetime) -> str:
    style = HEADER_STYLES.get(outlet, "%b %d, %Y %I:%M %p")
    return when.strftime(style.replace("{ampm}", "a.m." if when.hour < 12 else "p.m."))


def generate(n: int, out: Path, *, seed: int = 0) -> Path:
    rng = random.Random(seed)
    articles = load_articles(paths.SAMPLE_CORPUS_DIR)
    pools = {o: [b.split("\n\n") for b in g["body"]] for o, g in articles.groupby("outlet")}
    titles = articles["title"].tolist()
    outlets = sorted(pools)
    out.mkdir(parents=True, exist_ok=True)
    span = int((END - START).total_seconds() // 60)
    width = len(str(n))
    for i in range(n):
        outlet = rng.choice(outlets)
        base = rng.choice(pools[outlet])
        paras = list(base)
        # swap two to five of the base article's paragraphs for paragraphs of other articles
        for _ in range(rng.randint(2, 5)):
            donor = rng.choice(pools[outlet])
            if paras and donor:
                paras[rng.randrange(len(paras))] = rng.choice(donor)
        when = START + timedelta(minutes=rng.randrange(span))
        text = f"{render_header(outlet, when)}\n\n{rng.choice(titles)}\n\n" + "\n\n".join(paras) + "\n"
        (out / f"{i:0{width}d}_{rng.getrandbits(64):016x}.txt").write_text(text, encoding="utf-8")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    out = args.out or paths.CACHE_DIR / "bench" / f"corpus_{args.n}"
    if out.exists() and any(out.iterdir()):
        print(f"{out} exists; delete it to regenerate", file=sys.stderr)
        return 1
    generate(args.n, out, seed=args.seed)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
