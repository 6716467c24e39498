import pandas as pd

from helpers import load_articles, paths
from helpers.dates import extract_dates
from helpers.entities import extract_mentions
from helpers.events import action_type, compare_with_reference, extract_events, fine_amount, merge_events
from helpers.segment import label_paragraphs


def run(paragraphs, published="2021-04-12T10:00+08:00", article_id="a"):
    articles = pd.DataFrame({"article_id": [article_id], "published": [published], "outlet": ["Sino Markets Daily"],
                             "title": ["t"], "body": ["\n\n".join(paragraphs)]})
    segments = label_paragraphs(articles)
    return extract_events(segments, extract_mentions(segments), extract_dates(segments, articles))


def test_fine_event_with_amount_and_company():
    ev = run(["The State Administration for Market Regulation fined Alibaba Group Holding Ltd. 18.228 billion yuan "
              "on Saturday for abusing its dominant position, the regulator said in a statement."])
    assert len(ev) == 1
    row = ev.iloc[0]
    assert (row.date, row.precision, row.agency, row.companies, row.action_type) == (
        "2021-04-10", "day", "State Administration for Market Regulation", "Alibaba Group", "fine")
    assert row.amount_cny == 18_228_000_000


def test_one_row_per_agency_and_no_event_without_date_or_agency():
    ev = run(["The People's Bank of China and the China Securities Regulatory Commission summoned Ant Group on Monday.",
              "A company was fined on Friday.",                              # no agency
              "The Cyberspace Administration of China fined a company.",    # no date
              "The CAC has long been the internet regulator."])              # no date, no action
    assert sorted(ev.agency) == ["China Securities Regulatory Commission", "People's Bank of China"]
    assert set(ev.action_type) == {"summons"} and set(ev.date) == {"2021-04-12"}


def test_dateline_is_not_the_event_date():
    ev = run(["BEIJING, April 12 (PWS) - The Cyberspace Administration of China ordered app stores to remove the app "
              "on Friday."])
    assert list(ev.date) == ["2021-04-09"] and list(ev.action_type) == ["order"]


def test_action_types_and_amounts():
    assert action_type("The exchange suspended Ant's IPO on Tuesday.") == "ipo_halt"
    assert action_type("The law takes effect on Sept. 1.") == "law_effective"
    assert action_type("Lawmakers passed the Personal Information Protection Law on Friday.") == "law_passed"
    assert action_type("The regulator opened an investigation into Meituan.") == "antitrust_probe"
    assert action_type("It is a sunny day.") is None
    assert fine_amount("a fine of 500,000 yuan each") == 500_000
    assert fine_amount("7.123 billion yuan ($984 million)") == 7_123_000_000


def test_merge_and_compare_with_reference():
    events = pd.DataFrame({
        "article_id": ["a", "b", "c"], "date": ["2021-04-10", "2021-04-10", "2021-05-01"], "precision": ["day"] * 3,
        "agency": ["State Administration for Market Regulation"] * 3, "companies": ["Alibaba Group", "", "Meituan"],
        "action_type": ["fine", "fine", "fine"], "amount_cny": [18228000000.0, None, None],
        "sentence": ["s1", "s2", "s3"], "para_no": [1, 1, 1], "date_surface": ["Saturday"] * 3})
    merged = merge_events(events)
    assert len(merged) == 2
    first = merged.iloc[0]
    assert (first.n_articles, first.articles, first.companies) == (2, "a;b", "Alibaba Group")
    reference, unmatched = compare_with_reference(merged)
    alibaba = reference[(reference.date == "2021-04-10") & (reference.action_type == "fine")].iloc[0]
    assert alibaba.covered and alibaba.n_articles == 2
    assert list(unmatched.date) == ["2021-05-01"]


def test_sample_corpus_covers_reference_events():
    articles = load_articles(paths.SAMPLE_CORPUS_DIR)
    segments = label_paragraphs(articles)
    mentions = extract_mentions(segments)
    events = extract_events(segments, mentions, extract_dates(segments, articles))
    reference, _ = compare_with_reference(merge_events(events))
    assert reference.covered.sum() >= 30
    assert events.agency.isin(mentions.entity).all()


def test_event_dated_relative_to_another():
    ev = run(["Monday's decision came three days after a meeting of the Political Bureau of the CPC Central Committee "
              "listed stronger anti-monopoly work among its tasks, and the State Administration for Market Regulation "
              "fined Alibaba on Monday."], published="2020-12-14T20:00+08:00")
    dates = dict(zip(ev.agency, ev.date))
    assert dates["Political Bureau of the CPC Central Committee"] == "2020-12-11"
    assert dates["State Administration for Market Regulation"] == "2020-12-14"


def test_references_resolve_to_the_agency_named_before():
    ev = run(["The State Administration for Market Regulation opened a probe into Meituan on Monday, and the "
              "People's Bank of China said it was watching.",
              "On Tuesday the regulator fined a second company.",          # a tie: the PBOC, named last
              "The market regulator summoned Meituan on Wednesday.",       # 'market' narrows it to SAMR
              "The cyberspace regulator ordered app stores to act on Thursday."])  # no cyberspace agency named before
    pairs = set(zip(ev.date, ev.agency))
    assert ("2021-04-07", "State Administration for Market Regulation") in pairs
    assert ("2021-04-06", "People's Bank of China") in pairs  # the most recent on a tie
    # none named before: the description's usual agency
    assert [a for d, a in pairs if d == "2021-04-08"] == ["Cyberspace Administration of China"]
    ev = run(["The State Administration for Market Regulation fined Alibaba on Saturday; SAMR said the fine was final.",
              "The People's Bank of China said on Monday it was watching.",
              "On Tuesday the regulator summoned Meituan and told the company to stop forcing merchants into "
              "exclusive deals."])                                          # SAMR, named twice, is the story's regulator
    assert ("2021-04-06", "State Administration for Market Regulation") in set(zip(ev.date, ev.agency))


def test_described_agencies_default_to_the_usual_one():
    ev = run(["China's market regulator fined Alibaba Group 18.228 billion yuan on Saturday.",
              "China's video game regulator on Monday ordered companies to limit play by minors.",
              "China's top legislature passed the Personal Information Protection Law on Friday."])
    assert set(zip(ev.date, ev.agency, ev.action_type)) == {
        ("2021-04-10", "State Administration for Market Regulation", "fine"),
        ("2021-04-12", "National Press and Publication Administration", "order"),
        ("2021-04-09", "Standing Committee of the National People's Congress", "law_passed")}
    assert run(["The media regulator issued new rules on Sunday.",      # media: more than one body
                "The ministry summoned the firms on Thursday."]).empty   # which ministry: unknown
    from helpers.entities import default_gazetteer
    from helpers.events import REFERENCE_DEFAULTS

    types = default_gazetteer().types
    assert all(types.get(name) == kind for name, kind in REFERENCE_DEFAULTS.values())


def test_action_nearest_the_agency():
    ev = run(["The State Administration for Market Regulation said on Monday it had opened an investigation into "
              "Meituan over the practice that cost Alibaba a record fine earlier this month."])
    assert list(ev.action_type) == ["antitrust_probe"] and ev.amount_cny.isna().all()
    assert action_type("It opened a probe after the fine.") == "fine"  # without an agency: ACTIONS order
    assert action_type("The CAC announced reviews of Full Truck Alliance and Kanzhun.") == "review"
    assert action_type("Ant Group's initial public offering, on track to be the largest ever, was suspended by the "
                       "Shanghai Stock Exchange on Tuesday evening.") == "ipo_halt"


def test_agency_in_an_undated_after_clause_does_not_act_on_the_date():
    ev = run(["The State Administration for Market Regulation opened its investigation on Dec. 24, weeks after the "
              "Political Bureau of the CPC Central Committee called for stronger antitrust enforcement."])
    assert list(ev.agency) == ["State Administration for Market Regulation"]
    ev = run(["Alibaba has paid several penalties since the State Administration for Market Regulation first fined it "
              "over unreported deals in December 2020."])
    assert set(zip(ev.date, ev.agency)) == {("2020-12", "State Administration for Market Regulation")}


def test_a_relative_phrase_does_not_take_the_agencys_own_date():
    ev = run(["The order came two weeks after the State Administration for Market Regulation blocked Tencent's planned "
              "merger of Huya and DouYu on July 10, according to Xinhua."], published="2021-07-25T10:00+08:00")
    assert list(zip(ev.date, ev.agency)) == [("2021-07-10", "State Administration for Market Regulation")]


def test_a_bare_after_is_often_the_same_day():
    ev = run(["SHANGHAI, Nov 4 (Meridian) - Ant Group's blockbuster stock market debut was suspended on Tuesday, after "
              "the Shanghai Stock Exchange said the company might no longer meet listing requirements."],
             published="2020-11-04T09:15+08:00")
    assert list(zip(ev.date, ev.agency, ev.action_type)) == [("2020-11-03", "Shanghai Stock Exchange", "ipo_halt")]


def test_chinese_reports():
    ev = run(["国家市场监督管理总局4月10日依法作出行政处罚决定，责令阿里巴巴集团停止违法行为，并处以其2019年中国境内销售额"
              "4557.12亿元4%的罚款，计182.28亿元。", "去年12月，市场监管总局对阿里巴巴集团立案调查。"])
    rows = set(zip(ev.date, ev.agency, ev.action_type, ev.amount_cny.fillna(0)))
    assert rows == {("2021-04-10", "State Administration for Market Regulation", "fine", 18_228_000_000.0),
                    ("2020-12", "State Administration for Market Regulation", "antitrust_probe", 0.0)}
    assert fine_amount("国家网信办依法对滴滴全球股份有限公司处以80.26亿元罚款。") == 8_026_000_000


def test_no_reference_resolution_when_switched_off():
    paragraphs = ["The State Administration for Market Regulation opened a probe into Meituan in March.",
                  "On Tuesday the regulator fined the company 3 billion yuan for abusing its dominant position in "
                  "food delivery."]
    assert "2021-04-06" in set(run(paragraphs).date)
    articles = pd.DataFrame({"article_id": ["a"], "published": ["2021-04-12T10:00+08:00"], "outlet": ["X"],
                             "title": ["t"], "body": ["\n\n".join(paragraphs)]})
    segments = label_paragraphs(articles)
    ev = extract_events(segments, extract_mentions(segments), extract_dates(segments, articles), references=False)
    assert "2021-04-06" not in set(ev.date)


def test_owner_of_an_agency_does_not_act():
    ev = run(["On Friday, the Cyberspace Administration of China's Cybersecurity Review Office announced a review "
              "of Didi."])
    assert list(ev.agency) == ["Cybersecurity Review Office"]


def test_agencies_take_the_day_of_the_sentence_before_when_it_names_no_agency():
    ev = run(["Four regulators summoned 13 platforms on Thursday and ordered them to fix their businesses. "
              "The People's Bank of China and the China Securities Regulatory Commission held the meeting jointly."])
    assert set(zip(ev.date, ev.agency, ev.action_type)) == {
        ("2021-04-08", "People's Bank of China", "summons"), ("2021-04-08", "China Securities Regulatory Commission", "summons")}
    ev = run(["Analysts expect new rules in the second half of the year. "
              "The People's Bank of China held a meeting with lenders."])    # no day before: no event
    assert ev.empty


def test_approximate_offsets_do_not_date_an_event():
    ev = run(["The State Administration for Market Regulation said on Monday, just over two weeks after "
              "the regulator fined Alibaba, that it opened a probe into Meituan."])
    assert set(ev.date) == {"2021-04-12"}


def test_a_readout_is_an_agency_action():
    assert action_type("The wording appeared in a Politburo readout on Dec. 11.") == "other"
    assert action_type("The wording appeared in a report on Dec. 11.") is None


def _heldout_events(eval_dir: str, *extra: str) -> tuple[float, float, float]:
    import re
    import subprocess
    import sys
    out = subprocess.run([sys.executable, str(paths.PROJECT_ROOT / "benchmarks" / "eval_dates_events.py"), "--no-baseline",
                          "--eval-dir", str(paths.PROJECT_ROOT / "tests" / eval_dir), *extra],
                         capture_output=True, text=True, check=True).stdout
    found = re.search(r"events .*precision (\S+) recall (\S+) F1 (\S+)", out)
    assert found, out
    return tuple(float(x) for x in found.groups())


def test_heldout_events_meet_target():
    """tests/eval2 (its convention is the default one: named agencies and definite descriptions act): F1 >= 0.85."""
    precision, recall, f1 = _heldout_events("eval2")
    assert f1 >= 0.85, (precision, recall, f1)


def test_heldout_events_named_only_convention_does_not_regress():
    """tests/eval counts named agencies only, so it is scored with references=False.  It is at 0.836 (below the
    0.85 target; see the README of tests/eval); this guards against a regression, it is not the target."""
    precision, recall, f1 = _heldout_events("eval", "--no-references")
    assert f1 >= 0.82 and precision >= 0.90, (precision, recall, f1)
