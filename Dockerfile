# naba worker/poller image for docker-compose (production path on Apache Kafka).
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pipeline ./pipeline
COPY agents ./agents
RUN pip install -e .
COPY config ./config
COPY seeds ./seeds
RUN useradd --system --home /app naba && mkdir -p /app/.naba && chown naba /app/.naba
USER naba
ENTRYPOINT ["naba"]
