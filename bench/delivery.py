#!/usr/bin/env python3
"""Delivery throughput and latency through the real server (see bench/delivery.sh).

Phase 1: COUNT events posted by 64 concurrent API clients as fast as they are accepted —
API ingest p50/p99, and deliveries/s as seen by the receiver (first to last arrival).
Phase 2: events paced at RATE/s for SECONDS — p50/p99 from the API's 202 to the first attempt
arriving at the receiver.
"""
import http.client, json, os, statistics, sys, threading, time, urllib.parse

# `api` and `pids` may list several instances, comma-separated: clients are spread over them.
api, key, receiver, pids = sys.argv[1:5]
apis = [urllib.parse.urlsplit(x) for x in api.split(",")]
count = int(os.environ.get("BENCH_EVENTS", "5000"))
clients = int(os.environ.get("BENCH_CLIENTS", "64"))
rate = int(os.environ.get("BENCH_RATE", "500"))
seconds = int(os.environ.get("BENCH_PACED_SECONDS", "10"))
r = urllib.parse.urlsplit(receiver)
payload_notes = "x" * 900  # ~1 KB of data per event


def rss_mb():
    """Resident memory of every instance, summed."""
    total = 0.0
    for pid in pids.split(","):
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
    return total


def connect(n):
    a = apis[n % len(apis)]
    return http.client.HTTPConnection(a.hostname, a.port, timeout=60)


def receiver_stats():
    c = http.client.HTTPConnection(r.hostname, r.port, timeout=30)
    c.request("GET", "/stats")
    return json.loads(c.getresponse().read())


def reset_receiver():
    c = http.client.HTTPConnection(r.hostname, r.port, timeout=30)
    c.request("POST", "/reset")
    c.getresponse().read()


def post_event(conn, event_id):
    body = json.dumps({"eventType": "NewWorkItemVersionComplete", "eventId": event_id, "workGroup": "bench",
                       "data": {"workItem": {"id": 42, "notes": payload_notes}}})
    t = time.perf_counter()
    conn.request("POST", "/api/v1/events", body, {"content-type": "application/json", "authorization": f"Bearer {key}"})
    res = conn.getresponse()
    res.read()
    if res.status != 202:
        raise SystemExit(f"POST /api/v1/events answered {res.status}")
    return (time.perf_counter() - t) * 1000, time.time()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def wait_for(n, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = receiver_stats()
        if s["count"] >= n:
            return s
        time.sleep(0.2)
    raise SystemExit(f"only {receiver_stats()['count']} of {n} deliveries arrived")


# BENCH_MODE=fill: only post the events (the worker is off); BENCH_MODE=drain: only wait for
# them to arrive (the worker was started on the filled queue) and print the drain rate.
mode = os.environ.get("BENCH_MODE", "all")
if mode == "drain":
    s = wait_for(count, timeout=900)
    arr = sorted(at for _, at in s["arrivals"])
    span = (arr[-1] - arr[0]) / 1e6 or 1
    print(json.dumps({"deliveries": count, "deliveries_per_s": round(count / span), "first_to_last_s": round(span, 2)}))
    sys.exit(0)
prefix = "fill" if mode == "fill" else "tp"

results = {}
# Phase 1: throughput and ingest.
reset_receiver()
lat, lock, nxt, peak = [], threading.Lock(), [0], [0.0]


def ingest(n):
    conn = connect(n)
    while True:
        with lock:
            i = nxt[0]
            nxt[0] += 1
        if i >= count:
            return
        ms, _ = post_event(conn, f"{prefix}-{i}")
        with lock:
            lat.append(ms)


def watch_rss(stop):
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mb())
        time.sleep(0.1)


idle_rss = rss_mb()
stop = threading.Event()
threading.Thread(target=watch_rss, args=(stop,), daemon=True).start()
start = time.time()
ts = [threading.Thread(target=ingest, args=(n,)) for n in range(clients)]
for t in ts:
    t.start()
for t in ts:
    t.join()
ingest_secs = time.time() - start
if mode == "fill":
    print(json.dumps({"events": count, "events_per_s": round(count / ingest_secs)}))
    sys.exit(0)
s = wait_for(count)
stop.set()
arr = sorted(at for _, at in s["arrivals"])
results["ingest"] = {"events": count, "clients": clients, "events_per_s": round(count / ingest_secs),
                     "p50_ms": round(statistics.median(lat), 1), "p99_ms": round(pct(lat, 99), 1)}
results["throughput"] = {"deliveries": count, "deliveries_per_s": round(count / ((arr[-1] - arr[0]) / 1e6 or 1)),
                         "accept_to_last_delivery_s": round(arr[-1] / 1e6 - start, 2)}
results["rss_mb"] = {"idle": round(idle_rss, 1), "peak_during_load": round(peak[0], 1)}

# Phase 2: latency at a steady rate.
reset_receiver()
accepted = {}
total = rate * seconds
per_thread = 16
interval = per_thread / rate


def paced(offset):
    conn = connect(offset)
    t0 = time.time()
    for k, i in enumerate(range(offset, total, per_thread)):
        wait = t0 + k * interval - time.time()
        if wait > 0:
            time.sleep(wait)
        _, at = post_event(conn, f"lat-{i}")
        accepted[f"lat-{i}"] = at


ts = [threading.Thread(target=paced, args=(o,)) for o in range(per_thread)]
start = time.time()
for t in ts:
    t.start()
for t in ts:
    t.join()
achieved = total / (time.time() - start)
s = wait_for(total)
first = {}
for eid, at in s["arrivals"]:
    first.setdefault(eid, at / 1e6)
lag = [(first[e] - accepted[e]) * 1000 for e in accepted if e in first]
results["latency"] = {"rate_per_s": rate, "achieved_per_s": round(achieved), "events": total,
                      "accept_to_first_attempt_p50_ms": round(statistics.median(lag), 1),
                      "accept_to_first_attempt_p99_ms": round(pct(lag, 99), 1)}
print(json.dumps(results))
