#!/bin/sh
# One-shot (docker-compose.yml, service temporal-schema, on temporalio/admin-tools): creates Temporal's two
# databases on temporal-db and brings their schemas to the version of this admin-tools image. Safe to run
# again: an existing database is kept, and update-schema only applies what is missing.
set -eu
export SQL_PASSWORD="$(cat /run/secrets/temporal_db_password)"
tool="temporal-sql-tool --plugin postgres12 --ep temporal-db -p 5432 -u temporal"
for db in temporal temporal_visibility; do
  $tool --db "$db" create 2>/dev/null || echo "database $db exists"
done
$tool --db temporal setup-schema -v 0.0 2>/dev/null || echo "schema of temporal exists"
$tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
$tool --db temporal_visibility setup-schema -v 0.0 2>/dev/null || echo "schema of temporal_visibility exists"
$tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal's schemas are up to date"
