#!/usr/bin/env bash
# `make server`: a team server on this machine, to try team mode. A PostgreSQL cluster in
# .team-server/ (on a socket there and a free loopback port), a CA and a certificate for
# localhost, a demo team with a lead and two staff, and the server on https://localhost:8443.
# Prints the join codes (also in .team-server/codes.txt); Ctrl+C stops both.
# CONTACTMOMENT_TEAM_DIR and CONTACTMOMENT_SERVER_LISTEN put it elsewhere (the e2e tests do).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${CONTACTMOMENT_TEAM_DIR:-$PWD/.team-server}
server=target/debug/contactmoment-server
listen=${CONTACTMOMENT_SERVER_LISTEN:-127.0.0.1:8443}
url="https://localhost:${listen##*:}"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "server: PostgreSQL is not installed; run scripts/setup.sh server" >&2; exit 1; }
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi

mkdir -p "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
  # initdb refuses root: the cluster belongs to the postgres user then.
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -N -E UTF8 --locale=C.UTF-8 >/dev/null
fi
port_file=$dir/port
if [ ! -f "$port_file" ]; then
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$port_file"
fi
port=$(cat "$port_file")
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
stop() { "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; }
trap stop EXIT
trap 'exit 143' TERM INT

owner="postgres://postgres@localhost/contactmoment?host=$dir&port=$port"
serving="postgres://cm_server@localhost/contactmoment?host=$dir&port=$port"
psql=(psql -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt)

if [ ! -f "$dir/codes.txt" ]; then
  "${psql[@]}" -d postgres -c "CREATE DATABASE contactmoment"
  "${psql[@]}" -d postgres -c "CREATE ROLE cm_server LOGIN"
  # A CA of this checkout's own, and the server's certificate for localhost signed by it.
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=Contactmoment demo CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 825 -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null
  $server migrate --owner-db "$owner" >/dev/null
  $server grant --owner-db "$owner" cm_server >/dev/null
  made=$($server team-init --owner-db "$owner" --name "Demo team" --lead "Lea" \
    --public-url "$url" --ca "$dir/ca.pem")
  team=$(echo "$made" | awk '/^team /{print $2}')
  {
    echo "$made" | awk '/^lead /{print "Lea (lead): " $3}'
    for who in Anna Bram; do
      $server add-member --owner-db "$owner" --team "$team" --name "$who" \
        --public-url "$url" --ca "$dir/ca.pem" | awk -v who="$who" '{print who ": " $3}'
    done
  } >"$dir/codes.txt"
fi
$server migrate --owner-db "$owner" >/dev/null

echo "Team server on $url (PostgreSQL in $dir). Join codes, one use each:"
cat "$dir/codes.txt"
echo "Paste one in the app (Settings → Team) or: contactmoment team join CODE"
# In the background, so that the traps above run when this script is stopped.
$server serve --db "$serving" --listen "$listen" \
  --cert "$dir/server.pem" --key "$dir/server.key" --public-url "$url" --ca "$dir/ca.pem" &
serving_pid=$!
trap 'kill $serving_pid 2>/dev/null; stop' EXIT
wait $serving_pid
