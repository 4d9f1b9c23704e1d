#!/bin/bash
# Creates the observatory's topics with their retention before the services start (idempotent).
# The services' own ensureTopics() only creates topics that are missing, with broker defaults and
# no retention settings: creating them here is what gives them the right cleanup policy.
#   observatoire.contracts.v1       compact on the contract uid, kept forever (the source of truth)
#   observatoire.organisations.v1   compact on SIRET / id, kept forever
#   observatoire.quarantine.v1      compact on the record hash, kept forever (data-quality view)
#   observatoire.ingest-runs.v1     time-retained, 400 days (freshness history)
#   observatoire.buyer-registry.v1  compact on the buyer SIRET, kept forever (buyers expected to publish)
#   <topic>.dlq.<group>             1 partition, 30 days
# KAFKA_NAMESPACE (optional) prefixes every topic and group, as in the services.
set -euo pipefail
BOOTSTRAP="${BOOTSTRAP:-kafka:9092}"
PARTITIONS="${PARTITIONS:-3}"
REPLICATION="${REPLICATION:-1}"
NS="${KAFKA_NAMESPACE:+${KAFKA_NAMESPACE}.}"
KT=/opt/kafka/bin/kafka-topics.sh

create() { # name partitions config...
  local name="$1" parts="$2"; shift 2
  local args=()
  for c in "$@"; do args+=(--config "$c"); done
  "$KT" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "${NS}${name}" \
        --partitions "$parts" --replication-factor "$REPLICATION" "${args[@]}"
}

FOREVER=(cleanup.policy=compact retention.ms=-1 min.compaction.lag.ms=3600000 max.compaction.lag.ms=604800000)
create observatoire.contracts.v1     "$PARTITIONS" "${FOREVER[@]}"
create observatoire.organisations.v1 "$PARTITIONS" "${FOREVER[@]}"
create observatoire.quarantine.v1    "$PARTITIONS" "${FOREVER[@]}"
create observatoire.ingest-runs.v1   "$PARTITIONS" cleanup.policy=delete retention.ms=34560000000
create observatoire.buyer-registry.v1 "$PARTITIONS" "${FOREVER[@]}"

DLQ=(cleanup.policy=delete retention.ms=2592000000)
for pair in \
  observatoire.contracts.v1:observatoire-catalog \
  observatoire.contracts.v1:observatoire-search \
  observatoire.contracts.v1:observatoire-analytics \
  observatoire.organisations.v1:observatoire-search \
  observatoire.organisations.v1:observatoire-analytics \
  observatoire.quarantine.v1:observatoire-analytics \
  observatoire.ingest-runs.v1:observatoire-analytics \
  observatoire.buyer-registry.v1:observatoire-analytics; do
  create "${pair%%:*}.dlq.${pair##*:}" 1 "${DLQ[@]}"
done
"$KT" --bootstrap-server "$BOOTSTRAP" --list
