#!/bin/bash
# One database per service, each owned by its own role (least privilege: a service cannot read
# another's store). Runs once, on the first start of an empty data volume (docker-entrypoint-initdb.d).
# Passwords come from env/postgres.env (INGEST_DB_PASSWORD, CATALOG_DB_PASSWORD, ANALYTICS_DB_PASSWORD).
set -euo pipefail
for svc in ingest catalog analytics; do
  var="${svc^^}_DB_PASSWORD"
  pw="${!var:?${var} must be set in env/postgres.env}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v role="$svc" -v pw="$pw" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'role', :'role') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'role') \gexec
SQL
done
