#!/usr/bin/env python3
"""Latency of /webhooks while many clients sign in (issue: argon2 must not stall other requests).

Starts nothing itself: bench/signin_load.sh starts the release server and passes its URL.
Phases: idle (only the measuring client), then load (N clients signing in in a loop, while the
measuring client keeps fetching /webhooks). Prints a table and writes JSON to bench/results/.
"""
import http.client, json, os, statistics, sys, threading, time, urllib.parse

base, admin_pw, user, user_pw = sys.argv[1:5]
clients = int(os.environ.get("BENCH_CLIENTS", "32"))
seconds = float(os.environ.get("BENCH_SECONDS", "10"))
host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port


def post_login(conn, username, password):
    body = urllib.parse.urlencode({"username": username, "password": password, "next": "/"})
    conn.request("POST", "/login", body, {"content-type": "application/x-www-form-urlencoded"})
    res = conn.getresponse()
    res.read()
    return res.status, res.getheader("set-cookie")


def measure(cookie, stop, out):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    while not stop.is_set():
        t = time.perf_counter()
        conn.request("GET", "/webhooks", headers={"cookie": cookie})
        res = conn.getresponse()
        res.read()
        out.append((time.perf_counter() - t) * 1000)
        if res.status != 200:
            raise SystemExit(f"/webhooks answered {res.status}")


def sign_in_loop(stop, counts):
    conn = http.client.HTTPConnection(host, port, timeout=60)
    while not stop.is_set():
        status, _ = post_login(conn, user, user_pw)
        counts[status] = counts.get(status, 0) + 1


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


status, cookie = post_login(http.client.HTTPConnection(host, port), "admin", admin_pw)
assert status == 303, status
cookie = cookie.split(";")[0]
results = {}
for phase, n in [("idle", 0), (f"{clients} clients signing in", clients)]:
    stop, lat, counts = threading.Event(), [], {}
    workers = [threading.Thread(target=sign_in_loop, args=(stop, counts), daemon=True) for _ in range(n)]
    for w in workers:
        w.start()
    time.sleep(1 if n else 0)  # let the load build up
    m = threading.Thread(target=measure, args=(cookie, stop, lat))
    m.start()
    time.sleep(seconds)
    stop.set()
    m.join()
    for w in workers:
        w.join()
    results[phase] = {
        "webhooks_p50_ms": round(statistics.median(lat), 1),
        "webhooks_p99_ms": round(percentile(lat, 99), 1),
        "webhooks_requests": len(lat),
        "sign_ins_per_status": counts,
    }
print(f"{'phase':<28} {'/webhooks p50':>14} {'p99':>9} {'n':>6}  sign-ins by status")
for phase, r in results.items():
    print(f"{phase:<28} {r['webhooks_p50_ms']:>11.1f} ms {r['webhooks_p99_ms']:>6.1f} ms {r['webhooks_requests']:>6}  {r['sign_ins_per_status']}")
os.makedirs("bench/results", exist_ok=True)
with open(os.environ.get("BENCH_OUT", "bench/results/signin_load.json"), "w") as f:
    json.dump(results, f, indent=2)
