"""Feed pollers: fetch RSS/Atom/RDF feeds politely and safely, publish new articles to ``news.raw``."""
