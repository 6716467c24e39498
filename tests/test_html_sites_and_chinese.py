"""The export on news-site HTML pages and Chinese reports the rules were not written for
(tests/fixtures/html_sites_and_chinese): publication times, outlets, the manifest, Chinese timestamps, names,
site notices and events, against its ground truth (TRUTH.md)."""
from pathlib import Path

import pytest

from helpers import load_corpus
from conftest import export_fixture_corpus

CORPUS = Path(__file__).parent / "fixtures" / "html_sites_and_chinese" / "corpus"


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return export_fixture_corpus(tmp_path_factory, "html_sites_and_chinese")


@pytest.mark.parametrize("article_id,published,outlet", [
    ("tidewater_ant-ipo-suspended_20201104", "2020-11-04T07:45:00+08:00", "Tidewater Asia Review"),  # JSON-LD, not the ticker
    ("tidewater_didi-fine_20220722", "2022-07-22T06:30:00+08:00", "Tidewater Asia Review"),
    ("tidewater_data-security-law_20210901", "2021-09-01T10:00:00+08:00", "Harbour Ledger"),  # manifest outlet
    ("kbc-2021-04-11-alibaba-record-fine", "2021-04-11T09:30:00+08:00", "Kowloon Bay Chronicle"),
    ("lotusgate-20210724-tencent-music-exclusive", "2021-07-24T17:40:00+08:00", "Lotus Gate Tech"),  # manifest date
    ("nfkj_20210411_alibaba-fine", "2021-04-11T09:15", "南方科技报"),
    ("dfsz_20220721_didi-fine", "2022-07-21T20:15", "东方数字时报"),
    ("hxcj_20211011_meituan-fine", "2021-10-11T08:30", "华夏财经网"),
])
def test_publication_times_and_outlets(tables, article_id, published, outlet):
    row = tables["articles"].set_index("article_id").loc[article_id]
    assert (row.published, row.outlet) == (published, outlet)


def test_missing_manifest_file_is_reported():
    report = load_corpus(CORPUS).report
    assert (report.reason.str.contains("no such file") & report.path.str.contains("kanzhun")).any()


def test_chinese_site_notices_and_names(tables):
    seg = tables["segments"]
    zh = seg[seg.article_id.isin(["hxcj_20211011_meituan-fine", "dfsz_20220721_didi-fine", "nfkj_20210411_alibaba-fine"])]
    notices = zh[zh.text.str.startswith(("点击查看更多", "扫码", "版权声明", "【免责声明】", "相关新闻"))]
    assert len(notices) >= 5 and (notices.label == "boilerplate").all()
    m = tables["mentions"]
    didi = m[(m.article_id == "dfsz_20220721_didi-fine") & (m.entity == "Didi Global")]
    assert len(didi) >= 5  # 滴滴 / 滴滴公司 / 滴滴全球股份有限公司, not only 滴滴出行
    assert ((m.article_id == "dfsz_20220721_didi-fine") & (m.entity == "Cyberspace Administration of China")).sum() >= 2


def test_events(tables):
    e = tables["events"]
    got = set(zip(e.article_id, e.date, e.agency, e.action_type, e.amount_cny))
    assert {("dfsz_20220721_didi-fine", "2022-07-21", "Cyberspace Administration of China", "fine", "8026000000.0"),
            ("hxcj_20211011_meituan-fine", "2021-10-08", "State Administration for Market Regulation", "fine", "3442000000.0"),
            ("nfkj_20210411_alibaba-fine", "2021-04-10", "State Administration for Market Regulation", "fine",
             "18228000000.0")} <= got
    tide = e[e.article_id.str.startswith("tidewater")]
    assert not tide.date.str.startswith("2023").any()  # no date counted from the ticker's 2023 time
