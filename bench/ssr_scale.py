#!/usr/bin/env python3
"""Server-side rendering at scale (see bench/ssr_scale.sh): median and p99 of /webhooks and
/webhooks/:id with 1,000 and with 100,000 webhooks, and of a webhook's deliveries list with
1,000,000 deliveries, on the release server and SQLite.

The first webhook of each kind is created through the console's own server function; the
rest are copies of it inserted with SQL (creating 100,000 through HTTP would take longer than
the measurement is worth), so every row is one the server wrote itself, renamed.
"""
import http.client, json, os, sqlite3, statistics, sys, time, urllib.parse

base, db_path, password, out = sys.argv[1:5]
runs = int(os.environ.get("BENCH_RUNS", "101"))
u = urllib.parse.urlsplit(base)


def connect():
    return http.client.HTTPConnection(u.hostname, u.port, timeout=120)


def sign_in():
    c = connect()
    body = urllib.parse.urlencode({"username": "admin", "password": password, "next": "/webhooks"})
    c.request("POST", "/login", body, {"content-type": "application/x-www-form-urlencoded"})
    res = c.getresponse()
    res.read()
    cookie = res.getheader("set-cookie", "").split(";")[0]
    if res.status != 303 or not cookie:
        raise SystemExit(f"sign-in answered {res.status}")
    return cookie


cookie = sign_in()


def rpc(name, payload):
    c = connect()
    c.request("POST", f"/rpc/{name}", json.dumps(payload), {"content-type": "application/json", "cookie": cookie})
    res = c.getresponse()
    text = res.read()
    if res.status != 200:
        raise SystemExit(f"/rpc/{name} answered {res.status}: {text[:300]}")
    return json.loads(text)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def measure(path, runs=runs):
    c = connect()
    times = []
    for i in range(runs + 3):
        t = time.perf_counter()
        c.request("GET", path, headers={"cookie": cookie})
        res = c.getresponse()
        body = res.read()
        ms = (time.perf_counter() - t) * 1000
        if res.status != 200:
            raise SystemExit(f"GET {path} answered {res.status}")
        if i >= 3:  # the first requests warm the caches
            times.append(ms)
    return {"path": path, "median_ms": round(statistics.median(times), 2), "p99_ms": round(pct(times, 99), 2),
            "bytes": len(body), "runs": runs}


def first_hook():
    form = {"name": "Seed", "url": "https://seed.example.com/hook", "auth_method": "HMAC",
            "event_type": "NewWorkItemVersionComplete", "active": "on", "ssl": "block"}
    return rpc("create_webhook", {"form": form})["id"]


db = sqlite3.connect(db_path, timeout=60)
db.execute("PRAGMA busy_timeout = 60000")
COLS = ("url, auth_method, event_type, event_name, active, accept_untrusted_ssl, version, hmac_secret_enc, "
        "access_token_enc, access_token_hint, created_at, created_by, updated_at, updated_by")


def grow_webhooks(seed, total):
    have = db.execute("SELECT count(*) FROM webhooks").fetchone()[0]
    top = db.execute("SELECT max(position) FROM webhooks").fetchone()[0]
    n = total - have
    if n <= 0:
        return
    db.execute(f"""
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
        INSERT INTO webhooks (name, position, {COLS})
        SELECT 'Webhook ' || (? + i), ? + i, {COLS} FROM k, (SELECT {COLS} FROM webhooks WHERE id = ?)""",
               (n, have, top, seed))
    db.commit()


def grow_deliveries(hook, total):
    """`total` events, each with one finished delivery to `hook` and its attempt."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    payload = json.dumps({"workItem": {"id": 42, "notes": "x" * 200}})
    db.execute("""
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
        INSERT INTO events (event_id, event_type, created_date, payload, response, received_at)
        SELECT 'bench-' || i, 'NewWorkItemVersionComplete', ?, ?, '', ? FROM k""", (total, now, payload, now))
    db.execute("""
        INSERT INTO deliveries (event_id, webhook_id, msg_id, status, attempts, next_attempt_at, last_status,
                                is_test, created_at, updated_at)
        SELECT id, ?, 'msg_bench_' || id, CASE WHEN id % 10 = 0 THEN 'Failed' ELSE 'Succeeded' END, 1, ?,
               CASE WHEN id % 10 = 0 THEN 500 ELSE 200 END, 0, ?, ? FROM events WHERE event_id LIKE 'bench-%'""",
               (hook, now, now, now))
    db.execute("""
        INSERT INTO delivery_attempts (delivery_id, number, attempted_at, duration_ms, status)
        SELECT id, 1, ?, 12, last_status FROM deliveries WHERE msg_id LIKE 'msg_bench_%'""", (now,))
    db.commit()


results = []
seed = first_hook()
for total in (1000, 100_000):
    t = time.time()
    grow_webhooks(seed, total)
    print(f"  {total} webhooks seeded in {time.time() - t:.1f} s", file=sys.stderr)
    for path in ("/webhooks", "/webhooks?page=20", "/webhooks?q=webhook%2099&sort=newest", f"/webhooks/{seed}"):
        results.append({"webhooks": total, **measure(path)})
t = time.time()
grow_deliveries(seed, int(os.environ.get("BENCH_DELIVERIES", "1000000")))
print(f"  1,000,000 deliveries seeded in {time.time() - t:.1f} s", file=sys.stderr)
deliveries = db.execute("SELECT count(*) FROM deliveries").fetchone()[0]
for path in (f"/webhooks/{seed}/deliveries", f"/webhooks/{seed}/deliveries?page=100",
             f"/webhooks/{seed}/deliveries?status=Failed", "/webhooks"):
    results.append({"webhooks": total, "deliveries": deliveries, **measure(path)})
# The webhook's page charts its last 24 hours, read from every attempt: all million are recent
# here, so it takes seconds; a few runs show it.
results.append({"webhooks": total, "deliveries": deliveries, **measure(f"/webhooks/{seed}", runs=5)})

print(f"{'webhooks':>9} {'deliveries':>10}  {'page':<48} {'median':>9} {'p99':>9}")
for r in results:
    print(f"{r['webhooks']:>9} {r.get('deliveries', 0):>10}  {r['path']:<48} {r['median_ms']:>7.1f}ms {r['p99_ms']:>7.1f}ms")
with open(out, "w") as f:
    json.dump({"runs": runs, "results": results}, f, indent=2)
