"""Quality floors on the annotated set (a little under what the extractors reach), and the
consistency of the annotations themselves."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline import PROJECT_ROOT
from pipeline.extract.automaton import Matcher
from pipeline.extract.topic_quality import GOLD_DIRS, evaluate, evaluate_sets, load_gold
from pipeline.extract.topics import load_taxonomy
from pipeline.text.normalize import matching_key

CONFIG = PROJECT_ROOT / "config"


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    articles = load_gold(GOLD_DIRS)
    assert len(articles) >= 12
    return articles


def test_gold_labels_are_in_the_taxonomy(gold: list[dict[str, Any]]) -> None:
    labels = set(load_taxonomy(CONFIG).labels)
    for article in gold:
        assert set(article["topics"]) <= labels, article["id"]


def test_gold_entities_are_named_in_the_article(gold: list[dict[str, Any]]) -> None:
    for article in gold:
        key = matching_key(article["title"] + "\n" + article["text"])
        # وكالة “تاس” names تاس, and ل«القبس» names القبس: quotes go, or split the words.
        texts = (key.replace('"', ""), key.replace('"', " "))
        for entity in article["entities"]:
            assert entity["type"] in ("person", "organization", "location")
            matcher = Matcher([(n, 1) for n in (entity["name"], *entity.get("aliases", ()))])
            assert any(matcher.find(t) for t in texts), (article["id"], entity["name"])


def test_quality_floors_topic_set() -> None:
    # The held-out 4xx round of this directory has floors of its own (below).
    result = evaluate([a for a in load_gold(GOLD_DIRS[:1]) if "split" not in a], CONFIG)
    assert result["articles"] >= 32
    # Reached: topics 1.00 (0.98 before the sixth round), entities 0.97 (person 0.97,
    # organization 0.95, location 0.99). The targets are 0.85 for both.
    assert result["topics"]["f1"] >= 0.96
    for kind in ("person", "organization", "location"):
        assert result["entities"][kind]["f1"] >= 0.9, kind
    assert result["entities"]["all"]["f1"] >= 0.92


def test_quality_floors_statement_set() -> None:
    """The statement gold set, annotated with topics and entities later: scored once before any
    change, topics 0.80 and entities 0.78 (0.81 with speakers); reached: topics 0.92, entities
    0.90 (person 0.91, organization 0.88, location 0.91). The held-out 2xx articles, annotated
    later and scored once without any change: topics 0.87, entities 0.80; with them (25 articles)
    topics 0.90, entities 0.88. After the fourth round (tuned on 2xx/3xx misses): topics 0.94,
    entities 0.96 (person 0.94, organization 0.97, location 0.96). After the sixth (topic) round:
    topics 0.94. The held-out 3xx and 4xx rounds have floors of their own (below)."""
    articles = [a for a in load_gold(GOLD_DIRS[1:]) if a.get("split") not in ("heldout3", "heldout4")]
    result = evaluate(articles, CONFIG)
    assert result["articles"] >= 19
    assert result["topics"]["f1"] >= 0.92
    for kind in ("person", "organization", "location"):
        assert result["entities"][kind]["f1"] >= 0.9, kind
    assert result["entities"]["all"]["f1"] >= 0.93


def test_quality_floors_heldout3() -> None:
    """The 3xx round, written before the third round of work and never tuned on for topics or
    entities in it: topics 0.79, entities 0.70 untuned (person 0.62); after the speaker work
    (speakers count as persons) topics 0.79, entities 0.76 (person 0.82, organization 0.71,
    location 0.76). The fourth round tuned on its misses (and 2xx's): topics 0.93, entities 0.95
    (person 0.89, organization 0.95, location 1.00); it is no longer held out in spirit."""
    articles = [a for a in load_gold(GOLD_DIRS[1:]) if a.get("split") == "heldout3"]
    result = evaluate(articles, CONFIG)
    assert result["articles"] >= 8
    assert result["topics"]["f1"] >= 0.9
    assert result["entities"]["person"]["f1"] >= 0.86
    for kind in ("organization", "location"):
        assert result["entities"][kind]["f1"] >= 0.92, kind
    assert result["entities"]["all"]["f1"] >= 0.92


def test_quality_floors_statement_heldout4() -> None:
    """The statement set's 4xx round (``gold/heldout4``, not the topic set's ``gold_topics/heldout4``),
    written before the fourth statement round and never tuned on: untuned topics 0.63, entities
    0.75 (person 0.58, organization 0.83, location 0.80); unchanged after that round."""
    articles = [a for a in load_gold(GOLD_DIRS[1:]) if a.get("split") == "heldout4"]
    result = evaluate(articles, CONFIG)
    assert result["articles"] >= 6
    assert result["topics"]["f1"] >= 0.58
    assert result["entities"]["person"]["f1"] >= 0.53
    assert result["entities"]["organization"]["f1"] >= 0.78
    assert result["entities"]["location"]["f1"] >= 0.75
    assert result["entities"]["all"]["f1"] >= 0.7


def test_quality_floors_heldout4() -> None:
    """The 4xx round of the topic set (11 articles on economy, health, sports, culture,
    environment, migration, education, religion, technology, energy, society), written before
    the fourth round and never tuned on: untuned topics 0.93, entities 0.70 (person 0.76,
    organization 0.52, location 0.80); after the round (tuned on 2xx/3xx only) topics 0.93,
    entities 0.71 (person 0.76, organization 0.54, location 0.81). The fifth round added general
    patterns (head-noun classes, region nouns, name boundaries), some chosen from 4xx's misses
    (never its names): entities 0.85 (person 0.92, organization 0.79, location 0.86)."""
    articles = [a for a in load_gold(GOLD_DIRS[:1]) if a.get("split") == "heldout4"]
    result = evaluate(articles, CONFIG)
    assert result["articles"] >= 8
    assert result["topics"]["f1"] >= 0.9
    assert result["entities"]["person"]["f1"] >= 0.88
    assert result["entities"]["organization"]["f1"] >= 0.75
    assert result["entities"]["location"]["f1"] >= 0.83
    assert result["entities"]["all"]["f1"] >= 0.82


def test_quality_floors_heldout5() -> None:
    """The 5xx round of the topic set (10 articles: economy, health, human rights, sports,
    technology, culture, environment, education, elections; Mauritanian, Bahraini, Palestinian,
    Libyan, Emirati, Saudi, Algerian, Yemeni, Djiboutian and Iraqi outlets), written before the
    fifth round and never tuned on: untuned topics 0.75, entities 0.71 (person 0.72, organization
    0.73, location 0.69); after the fifth round's general patterns (no name from its misses
    added) entities 0.85 (person 0.86, organization 0.87, location 0.81). The sixth (topic) round
    tuned keyword lists on its topic misses (and earlier sets'): topics 0.92."""
    articles = [a for a in load_gold(GOLD_DIRS[:1]) if a.get("split") == "heldout5"]
    result = evaluate(articles, CONFIG)
    assert result["articles"] >= 8
    assert result["topics"]["f1"] >= 0.88
    assert result["entities"]["person"]["f1"] >= 0.83
    assert result["entities"]["organization"]["f1"] >= 0.84
    assert result["entities"]["location"]["f1"] >= 0.78
    assert result["entities"]["all"]["f1"] >= 0.82


def test_quality_floors_heldout6() -> None:
    """The 6xx round of the topic set (14 articles over all 20 labels, the rarer ones above all:
    human rights, terrorism, migration, religion, education, environment, health, culture,
    technology, nuclear, cybersecurity, elections; Jordanian, Lebanese, Nigerian, Iraqi, Kurdish,
    Egyptian, Sudanese, Syrian, Kuwaiti, Qatari and Tunisian outlets), written before the sixth
    (topic) round and never tuned on: untuned topics 0.93, entities 0.71 (person 0.73,
    organization 0.67, location 0.77). After the sixth round (tuned on 5xx and earlier sets only)
    topics 0.93 again: the same three errors (P 0.91, R 0.95)."""
    articles = [a for a in load_gold(GOLD_DIRS[:1]) if a.get("split") == "heldout6"]
    result = evaluate(articles, CONFIG)
    assert result["articles"] >= 12
    assert result["topics"]["f1"] >= 0.9
    assert result["entities"]["person"]["f1"] >= 0.68
    assert result["entities"]["organization"]["f1"] >= 0.62
    assert result["entities"]["location"]["f1"] >= 0.72
    assert result["entities"]["all"]["f1"] >= 0.67


def test_sets_reported_separately_and_in_total() -> None:
    result = evaluate_sets(GOLD_DIRS, CONFIG)
    assert set(result["sets"]) == {d.name for d in GOLD_DIRS}
    counts = [r["articles"] for r in result["sets"].values()]
    # The seed article is in both sets and counts once in the total.
    assert result["total"]["articles"] == sum(counts) - 1
    # Held-out rounds, each scored on its own: 1xx, 2xx, 3xx, 4xx of the statement set, 4xx, 5xx
    # and 6xx of the topic set (the two heldout4 rounds are named by their directory, never merged).
    held = {
        "gold/heldout",
        "gold/heldout2",
        "gold/heldout3",
        "gold/heldout4",
        "gold_topics/heldout4",
        "gold_topics/heldout5",
        "gold_topics/heldout6",
    }
    assert held <= set(result["splits"])
    rounds = {name: scores["articles"] for name, scores in result["splits"].items()}
    expected: dict[str, int] = {}
    for d in GOLD_DIRS:
        for article in load_gold([d]):
            if "split" in article:
                name = f"{d.name}/{article['split']}"
                expected[name] = expected.get(name, 0) + 1
    assert rounds == expected


def test_every_statement_gold_article_is_annotated_with_topics_and_entities() -> None:
    import orjson

    # The scorer skips articles without these keys; a new gold file must not slip through unscored.
    for path in sorted((PROJECT_ROOT / "tests" / "data" / "gold").glob("*.json")):
        article = orjson.loads(path.read_bytes())
        assert article.get("topics"), path.name
        assert "entities" in article, path.name
