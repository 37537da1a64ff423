#!/bin/sh
# Creates Temporal's two databases on the shared PostgreSQL and brings their schemas up to date.
# Safe to run again: create fails harmlessly when the database exists, update-schema is idempotent.
set -eu
args="--plugin postgres12 --ep ${POSTGRES_SEEDS} -u ${POSTGRES_USER} -p ${DB_PORT}"
until nc -z -w 5 "${POSTGRES_SEEDS}" "${DB_PORT}"; do echo 'waiting for PostgreSQL'; sleep 2; done
for db in temporal temporal_visibility; do
  temporal-sql-tool $args --db "$db" create || true
done
temporal-sql-tool $args --db temporal setup-schema -v 0.0 || true
temporal-sql-tool $args --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
temporal-sql-tool $args --db temporal_visibility setup-schema -v 0.0 || true
temporal-sql-tool $args --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo 'Temporal schema ready'
