"""Feed pollers: fetch RSS/Atom/RDF feeds politely and safely, publish new articles to ``news.raw``.

Entry points (wired into the CLI by ``pipeline.cli``):

* ``pipeline.feeds.poller.run_pollers(settings, *, once, stop=None, metrics=None)`` -> ``PollSummary``
  (``naba poll`` / ``naba poll --once``; print ``summary.format()``);
* ``pipeline.feeds.check.check_feed(url, *, allow_private=False)`` -> ``FeedReport``
  (``naba feeds check URL``; print ``report.format()``, exit non-zero unless ``report.ok``);
* ``pipeline.feeds.metrics.Metrics`` - pass one to ``run_pollers`` and read ``snapshot()``;
* the compacted state topic ``news.feed-state`` is ``pipeline.topics.FEED_STATE``.

Modules, one concern each: ``config`` (feeds.toml), ``safety`` (which addresses), ``fetch`` (HTTP
with limits), ``parse`` (feedparser, encoding repair, plain text), ``items`` and ``identity``
(article ids), ``schedule`` (when to poll), ``state`` (what survives a restart), ``publish``
(Kafka), ``fulltext`` (trafilatura), ``article`` (the news.raw record), ``metrics``, ``poller``.
"""
