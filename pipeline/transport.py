"""Faust's aiokafka transport with one change: the worker's consumer long-polls 20 ms, not 1.5 s.

Faust hard-codes ``fetch_max_wait_ms=1500``. Kafka answers a waiting fetch as soon as data arrives;
the embedded broker (Tansu 0.6) does not: measured, it answers up to about half the wait later (up
to ~750 ms at 1500, ~250 ms at aiokafka's default 500; at 100 ms p50 26 ms, p90 45 ms; at 20 ms p50
4 ms, p90 8 ms), and every hop of the pipeline pays it. On Kafka the only cost is fifty fetch requests
a second from an idle worker; on the embedded broker an idle worker costs 3 % of a core instead of
1.7 %, and the broker 6 % instead of 2.6 % (measured at 20 ms and 100 ms).
"""

from __future__ import annotations

from typing import Any

import aiokafka
from faust.transport.drivers import aiokafka as driver

FETCH_MAX_WAIT_MS = 20


class ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka reads this when the consumer starts; the constructor call above is Faust's.
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS
        return consumer


class Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(driver.Transport):
    Consumer = Consumer
