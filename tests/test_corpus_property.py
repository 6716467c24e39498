"""Property test: whatever a folder holds, every file is loaded or reported, and nothing raises."""
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import schema
from helpers.corpus import load_corpus

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40)
latin_words = st.lists(st.sampled_from("regulator fined Alibaba on Friday the CAC said market data 工信部 整治".split()),
                       min_size=1, max_size=30).map(" ".join)
stamps = st.sampled_from(["Jul 26, 2021 06:10 PM", "Published: 26 July 2021", "26.07.2021 18:10",
                          "2021-07-26T18:10:00+08:00", "not a date", "", "Monday, 26 July 2021, 18:20 HKT"])


@st.composite
def article_text(draw):
    paras = draw(st.lists(latin_words, min_size=0, max_size=5))
    return f"{draw(stamps)}\n\n{draw(latin_words)}\n\n" + "\n\n".join(paras)


@st.composite
def file_content(draw):
    kind = draw(st.sampled_from(["article", "encoded", "binary", "empty", "text", "jsonl", "csv", "html", "newlines"]))
    if kind == "article":
        return ".txt", draw(article_text()).encode("utf-8")
    if kind == "encoded":
        enc = draw(st.sampled_from(["utf-8-sig", "utf-16", "gb18030", "utf-32"]))
        return ".txt", draw(article_text()).encode(enc)
    if kind == "newlines":
        return ".txt", draw(article_text()).replace("\n", draw(st.sampled_from(["\r\n", "\r"]))).encode("utf-8")
    if kind == "binary":
        return draw(st.sampled_from([".txt", ".png", ".bin", "", ".jsonl", ".csv", ".html"])), draw(st.binary(max_size=300))
    if kind == "empty":
        return draw(st.sampled_from([".txt", ".jsonl", ".csv", ".html"])), b""
    if kind == "text":
        return draw(st.sampled_from([".txt", ".md", ""])), draw(words).encode("utf-8")
    if kind == "jsonl":
        recs = draw(st.lists(st.one_of(
            st.fixed_dictionaries({"title": latin_words, "text": latin_words, "published": stamps}),
            st.fixed_dictionaries({"body": words}), st.just([1, 2]), st.just("junk")), max_size=4))
        lines = [json.dumps(r) if not isinstance(r, str) else r for r in recs]
        return ".jsonl", "\n".join(lines).encode("utf-8")
    if kind == "csv":
        rows = draw(st.lists(st.tuples(latin_words, words), max_size=4))
        body = "title,text\n" + "".join(f'"{t}","{b.replace(chr(34), "")}"\n' for t, b in rows)
        return ".csv", body.encode("utf-8")
    return ".html", f"<html><body><p>{draw(latin_words)}</p>{draw(words)}</body></html>".encode("utf-8")


folders = st.lists(st.tuples(st.sampled_from(["", "sub/", "sub/deeper/", "."]), file_content()), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folders)
def test_every_file_is_loaded_or_reported(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        expected = set()
        for i, (folder, (suffix, data)) in enumerate(files):
            name = f"{folder}f{i}{suffix}"
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            expected.add(path.relative_to(root).as_posix())
        corpus = load_corpus(root)  # must not raise
        loaded = set(corpus.articles["path"])
        reported = set(corpus.skipped["path"])
        assert loaded | reported == expected
        assert corpus.articles["article_id"].is_unique
        assert set(corpus.report["status"]) <= {schema.SKIPPED, schema.WARNING}
        assert (corpus.articles["n_chars"] == corpus.articles["body"].str.len()).all()
        # same folder, same result: the order is deterministic
        again = load_corpus(root)
        assert again.articles.equals(corpus.articles) and again.report.equals(corpus.report)
