"""naba's public Python API: subscribe to the pipeline's events as typed models.

    import naba
    for st in naba.subscribe("statements", speaker="أنتونوف"):
        print(st.speaker.name, st.verb, st.text)

(The distribution is ``naba``; the implementation lives in the ``pipeline`` package.)
"""

from pipeline.client import SubscribeError, asubscribe, subscribe
from pipeline.models import (
    CleanArticle,
    DeadLetter,
    EnrichedArticle,
    Entity,
    EventError,
    Model,
    RawArticle,
    Speaker,
    Statement,
    StatementEvent,
    TopicEvent,
    TopicScore,
)

__all__ = [
    "CleanArticle",
    "DeadLetter",
    "EnrichedArticle",
    "Entity",
    "EventError",
    "Model",
    "RawArticle",
    "Speaker",
    "Statement",
    "StatementEvent",
    "SubscribeError",
    "TopicEvent",
    "TopicScore",
    "asubscribe",
    "subscribe",
]
