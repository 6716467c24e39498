import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths, schema
from helpers.corpus import CorpusError, decode_bytes, infer_outlet, load_articles, load_corpus, split_header

SEED = paths.SAMPLE_CORPUS_DIR / "000_5d0ddcd6d725a7e5.txt"
SEED_TITLE = "Ministry Launches Six-Month Campaign to Clean Up Internet Platforms"

ARTICLE = ("Jul 26, 2021 06:10 PM\n\nA Headline About Regulators\n\n"
           "First paragraph of the story, which says something.\n\nSecond paragraph.\n")
CHINESE = ("2021-07-26T18:10:00+08:00\n\n工信部启动互联网行业专项整治行动\n\n"
           "工业和信息化部表示，将开展为期半年的互联网行业专项整治行动。\n")


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_seed_loads_with_title_and_time():
    articles = load_articles(SEED)
    assert len(articles) == 1
    row = articles.iloc[0]
    assert row.title == SEED_TITLE
    assert row.published == "2021-07-26T18:10"
    assert row.published_raw == "Jul 26, 2021 06:10 PM"
    assert row.outlet == "Caixin Global"
    assert row.body.startswith("What’s new: China’s government said on Monday")
    assert row.n_chars == len(row.body)
    assert row.encoding == "utf-8"
    assert list(articles.columns) == schema.ARTICLE_COLUMNS


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-32", "utf-32"), ("gb18030", "gb18030"),
    ("gbk", "gb18030"),
])
def test_encodings(tmp_path, encoding, expected):
    write(tmp_path, "a.txt", CHINESE.encode(encoding))
    row = load_articles(tmp_path).iloc[0]
    assert row.title == "工信部启动互联网行业专项整治行动"
    assert "工业和信息化部" in row.body
    assert row.encoding == expected
    assert row.published == "2021-07-26T18:10:00+08:00"


@pytest.mark.parametrize("text,encoding,expected", [
    # a few accented names in English: a statistical detector took this for Central-European cp1250 ("Muńoz")
    ("Investors from São Paulo told José Muñoz and João Araújo they were “calm”.", "cp1252", "cp1252"),
    ("Investors from São Paulo told José Muñoz and João Araújo they were calm.", "latin-1", "iso-8859-1"),
    # German umlauts followed by a letter also decode as GB18030 (each pair one Chinese character)
    ("Die Behörde verhängte gegen Alibaba eine Geldbuße, heißt es. Über die Größe wurde nicht gesprochen.", "latin-1",
     "iso-8859-1"),
    ("Le ministère a annoncé une enquête sur les géants du numérique chinois à Pékin.", "latin-1", "iso-8859-1"),
])
def test_western_legacy_encodings(tmp_path, text, encoding, expected):
    write(tmp_path, "a.txt", f"Apr 10, 2021 5:02 PM\n\nHeadline\n\n{text}".encode(encoding))
    row = load_articles(tmp_path).iloc[0]
    assert (row.body, row.encoding) == (text, expected)


def test_non_western_legacy_text_is_not_read_as_latin1():
    text = "Съешь же ещё этих мягких французских булок, да выпей же чаю. Регулятор оштрафовал компанию."
    decoded, encoding = decode_bytes(text.encode("cp1251"))
    assert encoding not in ("cp1252", "iso-8859-1", "gb18030")
    greek = "Η ρυθμιστική αρχή επέβαλε πρόστιμο στην εταιρεία για κατάχρηση δεσπόζουσας θέσης στην αγορά."
    assert decode_bytes(greek.encode("cp1253"))[1] not in ("cp1252", "iso-8859-1", "gb18030")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings_are_normalised(tmp_path, newline):
    write(tmp_path, "a.txt", ARTICLE.replace("\n", newline))
    row = load_articles(tmp_path).iloc[0]
    assert row.title == "A Headline About Regulators"
    assert "\r" not in row.body
    assert row.body.split("\n\n") == ["First paragraph of the story, which says something.", "Second paragraph."]


def test_nul_bytes_are_dropped(tmp_path):
    write(tmp_path, "a.txt", ARTICLE.replace("First", "Fi\x00rst"))
    row = load_articles(tmp_path).iloc[0]
    assert row.body.startswith("First paragraph")


def test_bad_files_are_reported_not_lost(tmp_path):
    """Done-when: a folder with a binary file, an empty file, a GBK file and a file without a
    header loads what can be loaded and reports the rest."""
    write(tmp_path, "binary.txt", bytes(range(256)) * 8)
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "chinese.txt", CHINESE.encode("gbk"))
    write(tmp_path, "noheader.txt", "Regulators Act\n\nSomething happened on Friday.\n")
    write(tmp_path, "picture.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    corpus = load_corpus(tmp_path)
    assert sorted(corpus.articles.path) == ["chinese.txt", "noheader.txt"]
    skipped = dict(zip(corpus.skipped.path, corpus.skipped.reason))
    assert set(skipped) == {"binary.txt", "empty.txt", "picture.png"}
    assert "empty" in skipped["empty.txt"]
    assert "binary" in skipped["binary.txt"]
    assert "PNG" in skipped["picture.png"]
    noheader = corpus.articles.set_index("path").loc["noheader.txt"]
    assert noheader.title == "Regulators Act" and noheader.published == ""
    warnings = corpus.report[corpus.report.status == schema.WARNING]
    assert list(warnings.path) == ["noheader.txt"]
    assert "timestamp" in warnings.reason.iloc[0]


def test_unreadable_timestamp_keeps_article(tmp_path):
    write(tmp_path, "a.txt", "Juli 26, 20X1 18:10 Uhr\n\nEin Titel\n\nText des Artikels.\n")
    corpus = load_corpus(tmp_path)
    row = corpus.articles.iloc[0]
    assert row.title == "Ein Titel" and row.published == "" and row.published_raw.startswith("Juli")
    assert "not understood" in row.warning


def test_oversized_file_is_skipped_with_limit(tmp_path):
    write(tmp_path, "big.txt", ARTICLE + "x" * 5000)
    corpus = load_corpus(tmp_path, max_bytes=1000)
    assert corpus.articles.empty
    assert "too large" in corpus.skipped.reason.iloc[0]
    assert len(load_corpus(tmp_path, max_bytes=10_000).articles) == 1


def test_duplicates_are_reported(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "b.txt", ARTICLE.replace("Jul 26", "Jul 27"))  # same body, other header
    corpus = load_corpus(tmp_path)
    assert list(corpus.articles.article_id) == ["a"]
    assert corpus.skipped.reason.iloc[0] == "duplicate: same body as a"
    assert len(load_corpus(tmp_path, keep_duplicates=True).articles) == 2


def test_jsonl_csv_and_bad_records(tmp_path):
    records = [
        {"id": "r1", "title": "T1", "text": "Body one.", "published": "2021-07-26", "source": "Wire A",
         "url": "https://example.org/1"},
        {"title": "no text here"},
        {"headline": "T3", "body": "Body three.", "date": "Jul 26, 2021 06:10 PM"},
    ]
    lines = [json.dumps(r) for r in records] + ["{not json"]
    write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")
    pd.DataFrame({"title": ["C1", "C2"], "content": ["CSV body one.", ""], "date": ["26.07.2021 18:10", ""],
                  "outlet": ["Paper B", "Paper B"]}).to_csv(tmp_path / "table.csv", index=False)
    corpus = load_corpus(tmp_path)
    arts = corpus.articles.set_index("article_id")
    assert list(arts.index) == ["r1", "feed:3", "table:2"]
    assert arts.loc["r1", "outlet"] == "Wire A" and arts.loc["r1", "url"] == "https://example.org/1"
    assert arts.loc["feed:3", "published"] == "2021-07-26T18:10"
    assert arts.loc["table:2", "published"] == "2021-07-26T18:10"
    reasons = corpus.skipped.reason.tolist()
    assert any(r.startswith("line 2: record has no text") for r in reasons)
    assert any(r.startswith("line 4: invalid JSON") for r in reasons)
    assert any(r.startswith("row 3: record has no text") for r in reasons)


def test_html_via_trafilatura(tmp_path):
    paragraphs = "".join(f"<p>Paragraph {i} of the story about the State Administration for Market "
                         f"Regulation and its antitrust work, written at some length.</p>" for i in range(6))
    html = (
        "<html><head><title>Regulator fines platform</title>"
        '<meta property="article:published_time" content="2021-04-10T10:05:00+08:00">'
        '<meta property="og:site_name" content="Example Daily"></head><body>'
        "<nav><a href='/'>Home</a></nav><article><h1>Regulator fines platform</h1>"
        f"{paragraphs}</article><footer>Copyright 2021</footer></body></html>"
    )
    write(tmp_path, "page.html", html)
    row = load_articles(tmp_path).iloc[0]
    assert row.title == "Regulator fines platform"
    assert row.published == "2021-04-10T10:05:00+08:00"
    assert row.outlet == "Example Daily"
    assert "Paragraph 5 of the story" in row.body
    assert "\n\n" in row.body
    assert row.body.startswith("Paragraph 0"), "the headline is not repeated as the first paragraph"
    assert row.warning == ""
    write(tmp_path, "page.html", html[:-len("</footer></body></html>") - 40])  # cut off mid-paragraph
    row = load_articles(tmp_path).iloc[0]
    assert "truncated" in row.warning and "Paragraph 4" in row.body


@pytest.mark.parametrize("title_tag,outlet", [
    ("Regulator fines platform | Meridian Ledger", "Meridian Ledger"),
    ("Regulator fines platform - Markets - Harbour Post", "Harbour Post"),
    ("Kestrel Asia – Tech", "Kestrel Asia"),
    ("Regulator fines platform", "news.example.org"),  # nothing but the headline: the host name
])
def test_html_outlet_from_the_title_tag(tmp_path, title_tag, outlet):
    paragraphs = "".join(f"<p>Paragraph {i} about the market regulator and its antitrust work, at some length.</p>"
                         for i in range(5))
    html = (f"<html><head><title>{title_tag}</title>"
            '<link rel="canonical" href="https://news.example.org/2021/04/10/fine">'
            '<meta property="article:published_time" content="2021-04-10T10:05:00+08:00"></head><body>'
            f"<article><h1>Regulator fines platform</h1>{paragraphs}</article></body></html>")
    write(tmp_path, "page.html", html)
    row = load_articles(tmp_path).iloc[0]
    assert (row.title, row.outlet) == ("Regulator fines platform", outlet)


@pytest.mark.parametrize("head,body_extra,published", [
    # a news ticker's <time> in the header comes first in the page; JSON-LD names the article's own time
    ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-11-04T07:45:00+08:00"}'
     '</script>', '<div class="ticker"><time datetime="2023-03-14T16:05:00+08:00">Latest</time></div>',
     "2020-11-04T07:45:00+08:00"),
    ('<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "Article", '
     '"datePublished": "2021-04-10T17:02:00+08:00"}]}</script>', "", "2021-04-10T17:02:00+08:00"),
    ('<meta content="2021-09-01T10:00:00+08:00" property="article:published_time">',  # content before property
     '<div class="ticker"><time datetime="2023-03-14T16:05:00+08:00">Latest</time></div>', "2021-09-01T10:00:00+08:00"),
    ("", '<div class="ticker"><time datetime="2023-03-14T16:05:00+08:00">Latest</time></div>'
         '<article><time datetime="2021-07-05T18:20:00+08:00">5 July</time>', "2021-07-05T18:20:00+08:00"),
])
def test_html_publication_time_is_the_articles_own(tmp_path, head, body_extra, published):
    paragraphs = "".join(f"<p>Paragraph {i} about the market regulator and its antitrust work, at some length.</p>"
                         for i in range(5))
    article = f"<h1>Regulator fines platform</h1>{paragraphs}"
    body = body_extra + (article + "</article>" if "<article>" in body_extra else f"<article>{article}</article>")
    write(tmp_path, "page.html", f"<html><head><title>Regulator fines platform</title>{head}</head><body>{body}"
                                 "</body></html>")
    assert load_articles(tmp_path).iloc[0].published == published


def test_manifest_overrides(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "manifest.csv", "file,outlet,url,published\na.txt,Paper C,https://example.org/a,"
                                    "2021-07-27T09:00:00+08:00\nmissing.txt,Paper C,,\n")
    corpus = load_corpus(tmp_path)
    row = corpus.articles.iloc[0]
    assert (row.outlet, row.url, row.published) == ("Paper C", "https://example.org/a", "2021-07-27T09:00:00+08:00")
    report = dict(zip(corpus.report.path, corpus.report.reason))
    assert "manifest" in report["manifest.csv"]
    assert "no such file" in report["missing.txt"]


def test_outlet_inference():
    assert infer_outlet("Body.\n\nGet our weekly free Must-Read newsletter from Caixin Global.") == "Caixin Global"
    assert infer_outlet("BEIJING, July 26 (Reuters) - China said...") == "Reuters"
    assert infer_outlet("Text.\n\n© 2021 Lotus Evening News. All rights reserved.") == "Lotus Evening News"
    assert infer_outlet("A story that names no outlet at all.") == "unknown"
    # prose about copyright names no owner; a lower-case owner is not an outlet
    assert infer_outlet("Tencent could secure better terms from copyright holders and raise barriers.") == "unknown"
    assert infer_outlet("Text.\n\nCOPYRIGHT 2022 Harbin Morning Post") == "Harbin Morning Post"
    # an owner before the cue, a company form dropped, the site's own prompts among the last lines
    assert infer_outlet("Text.\n\nSinoscope Weekly © 2021. Reproduction without permission is prohibited.") == \
        "Sinoscope Weekly"
    assert infer_outlet("Text.\n\nPearl River Wire English Service — all rights reserved") == \
        "Pearl River Wire English Service"
    assert infer_outlet("Text.\n\n© 2021 Lantau Business Daily Ltd. All rights reserved.") == "Lantau Business Daily"
    assert infer_outlet("Text.\n\nMore from Nanyang Tech Daily: Why Beijing is easing up") == "Nanyang Tech Daily"
    assert infer_outlet("Text.\n\nPacific Rim Daily\nDownload the Pacific Rim Daily app for alerts.") == "Pacific Rim Daily"
    assert infer_outlet("Text.\n\nAll rights reserved.") == "unknown"
    # a known outlet cited in prose does not outrank the owner the site states
    assert infer_outlet("SAMR blocked the deal on Saturday.\n\nThe decision was reported by the official Xinhua news "
                        "agency, which gave no figures.\n\n© 2021 Meridian Wire. All rights reserved.") == "Meridian Wire"
    assert infer_outlet("The regulator acted, the official Xinhua news agency reported.\n\nMore prose.") == \
        "Xinhua News Agency"
    assert infer_outlet("2022年07月21日 20:15  来源：东方数字时报\n标题\n正文。") == "东方数字时报"
    assert infer_outlet("正文。\n\n版权声明：凡注明“来源：华夏财经网”的作品，版权均属华夏财经网所有。") == "华夏财经网"
    assert infer_outlet("He said he would download the Alipay app.\n\n" + "More prose here.\n\n" * 10) == "unknown"


def test_same_stem_gets_unique_ids(tmp_path):
    write(tmp_path, "a/x.txt", ARTICLE)
    write(tmp_path, "b/x.txt", ARTICLE.replace("Second", "Other"))
    assert list(load_articles(tmp_path).article_id) == ["a/x", "b/x"]


def test_missing_and_empty_folders_raise(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="empty"):
        load_corpus(tmp_path)


def test_order_is_deterministic(tmp_path):
    for name in ["c.txt", "a.txt", "b/z.txt", "b/a.txt"]:
        write(tmp_path, name, ARTICLE.replace("Second", name))
    assert list(load_articles(tmp_path).path) == ["a.txt", "b/a.txt", "b/z.txt", "c.txt"]


def test_split_header_without_blank_line():
    art = split_header("Published: 26 July 2021\nHeadline\n\nBody.")
    assert (art["published"], art["title"], art["body"]) == ("2021-07-26", "Headline", "Body.")


def test_decode_utf16_without_bom():
    text, enc = decode_bytes("Jul 26, 2021\n\nTitle\n\nBody text here.".encode("utf-16-le"))
    assert enc == "utf-16-le" and text.startswith("Jul 26")


def test_loading_does_not_write_into_the_corpus(tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    before = sorted(p.name for p in tmp_path.iterdir())
    load_corpus(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
