#!/usr/bin/env python3
"""Steady load with a tiny retention (see bench/retention.sh): posts BENCH_RATE events/s for
BENCH_SECONDS and every BENCH_SAMPLE_EVERY s records the database size and row counts.
Prints one line per sample and writes bench/results/retention.json."""
import http.client, json, os, sqlite3, subprocess, sys, threading, time, urllib.parse

api, key, db_url, server_log = sys.argv[1:5]
rate = int(os.environ["BENCH_RATE"])
seconds = int(os.environ["BENCH_SECONDS"])
every = int(os.environ["BENCH_SAMPLE_EVERY"])
retention = os.environ["BENCH_RETENTION"]
a = urllib.parse.urlsplit(api)
notes = "x" * 900  # ~1 KB of data per event
posted = 0
failed = 0
stop = threading.Event()


def poster(worker, workers):
    global posted, failed
    conn = http.client.HTTPConnection(a.hostname, a.port, timeout=30)
    start = time.time()
    n = 0
    while not stop.is_set() and time.time() - start < seconds:
        due = start + n * workers / rate + worker / rate
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        body = json.dumps({"eventType": "NewWorkItemVersionComplete", "eventId": f"ret-{worker}-{n}",
                           "data": {"workItem": {"id": n, "notes": notes}}})
        try:
            conn.request("POST", "/api/v1/events", body,
                         {"content-type": "application/json", "authorization": f"Bearer {key}"})
            res = conn.getresponse()
            res.read()
            if res.status == 202:
                posted += 1
            else:
                failed += 1
        except Exception:
            failed += 1
            conn = http.client.HTTPConnection(a.hostname, a.port, timeout=30)
        n += 1


def sqlite_path():
    return db_url[len("sqlite://"):].split("?")[0]


def measure():
    if db_url.startswith("sqlite:"):
        path = sqlite_path()
        parts = [os.path.getsize(p) if os.path.exists(p) else 0 for p in (path, path + "-wal", path + "-shm")]
        size = sum(parts)
        global wal_bytes
        wal_bytes = parts[1]
        c = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        counts = [c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("events", "deliveries", "delivery_attempts")]
        c.close()
    else:
        q = ("SELECT pg_database_size(current_database()), (SELECT count(*) FROM events), "
             "(SELECT count(*) FROM deliveries), (SELECT count(*) FROM delivery_attempts)")
        out = subprocess.run(["psql", db_url, "-tAc", q], capture_output=True, text=True, check=True).stdout
        size, *counts = (int(x) for x in out.strip().split("|"))
    return size, counts


workers = 8
wal_bytes = None
threads = [threading.Thread(target=poster, args=(w, workers), daemon=True) for w in range(workers)]
t0 = time.time()
for t in threads:
    t.start()
samples = []
print(f"retention {retention}, {rate} events/s for {seconds} s; {'SQLite' if db_url.startswith('sqlite:') else 'PostgreSQL'}")
print(f"{'t (s)':>6} {'db MB':>8} {'wal MB':>7} {'events':>8} {'deliveries':>11} {'attempts':>9} {'posted':>8}")
while True:
    elapsed = time.time() - t0
    size, (events, deliveries, attempts) = measure()
    samples.append({"t_s": round(elapsed), "db_bytes": size, "wal_bytes": wal_bytes, "events": events, "deliveries": deliveries,
                    "attempts": attempts, "posted": posted})
    wal = f"{wal_bytes / 1e6:.2f}" if wal_bytes is not None else "-"
    print(f"{round(elapsed):>6} {size / 1e6:>8.2f} {wal:>7} {events:>8} {deliveries:>11} {attempts:>9} {posted:>8}", flush=True)
    if elapsed >= seconds:
        break
    time.sleep(max(0.0, every - (time.time() - t0 - elapsed)))
stop.set()
for t in threads:
    t.join(timeout=35)
pruned_lines = [l for l in open(server_log) if "pruned deliveries" in l]
# Levelling off: the size at the end against the size once the retention age (plus one
# pruning interval) had passed.
settle = next((s for s in samples if s["t_s"] >= 150), samples[-1])
result = {
    "retention": retention, "rate_per_s": rate, "seconds": seconds, "posted": posted, "failed_posts": failed,
    "database": "sqlite" if db_url.startswith("sqlite:") else "postgres",
    "samples": samples, "prune_passes_logged": len(pruned_lines),
    "size_growth_after_settling": round(samples[-1]["db_bytes"] / max(1, settle["db_bytes"]) - 1, 3),
}
name = "retention.json" if result["database"] == "sqlite" else "retention_postgres.json"
json.dump(result, open(f"bench/results/{name}", "w"), indent=2)
print(f"posted {posted} events ({failed} failed); prune passes logged: {len(pruned_lines)}; "
      f"size change from t={settle['t_s']} s to the end: {result['size_growth_after_settling']:+.1%}")
