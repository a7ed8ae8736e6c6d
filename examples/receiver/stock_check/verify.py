#!/usr/bin/env python3
"""Verify a Hookwell HMAC delivery with stock libraries only (PyJWT + standardwebhooks).

Input: the JSON written by `cargo run -p delivery --example stock_check -- <file>`:
{"secret", "previous_secret", "headers": {...}, "body": "<form body>", "access_token": {...}}

Checks:
  1. the `token` form field verifies with PyJWT using the 32 decoded key bytes (HS256,
     exp/iat/iss required, iss == "hookwell", exp == iat + 300, jti == webhook-id);
  2. the `webhook-signature` header verifies with standardwebhooks' Webhook(secret).verify(...,
     json_parse=False) (the body is form-encoded, not JSON) for the current secret and, because the
     header carries two v1 signatures, for the previous secret too;
  3. a tampered body, a wrong secret and a tampered JWT all fail;
  4. the access-token variant is JSON with `Authorization: Bearer ...` and no signature header.
Exits non-zero on the first failure.
"""
import base64
import json
import sys
from urllib.parse import parse_qs

import jwt
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def expect_failure(what, fn):
    try:
        fn()
    except (WebhookVerificationError, jwt.InvalidTokenError):
        print(f"ok   {what} is rejected")
        return
    sys.exit(f"FAIL {what} was accepted")


def main(path):
    with open(path) as f:
        sample = json.load(f)
    secret, headers, body = sample["secret"], sample["headers"], sample["body"]
    key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    assert len(key) == 32, "the key is the 32 decoded bytes"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["user-agent"].startswith("Hookwell/")

    form = parse_qs(body, strict_parsing=True)
    assert list(form) == ["token"] and len(form["token"]) == 1, "exactly one field: token"
    token = form["token"][0]

    claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp", "iat", "iss"]}, issuer="hookwell")
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    assert claims["exp"] == claims["iat"] + 300 and claims["iat"] == int(headers["webhook-timestamp"])
    assert claims["jti"] == headers["webhook-id"]
    assert set(claims) == {"iss", "iat", "exp", "jti", "eventId", "eventType", "createdDate", "eventName", "data"}
    print(f"ok   PyJWT {jwt.__version__} verified the token: {claims['eventType']} {claims['eventId']}")

    Webhook(secret).verify(body, headers, json_parse=False)
    print("ok   standardwebhooks verified webhook-signature with the current secret")
    Webhook(sample["previous_secret"]).verify(body, headers, json_parse=False)
    print("ok   standardwebhooks verified webhook-signature with the previous secret (grace period)")

    expect_failure("tampered body (signature)", lambda: Webhook(secret).verify(body + "x", headers, json_parse=False))
    expect_failure("wrong secret (signature)", lambda: Webhook("whsec_" + base64.b64encode(b"\x01" * 32).decode()).verify(body, headers, json_parse=False))
    expect_failure("wrong key (JWT)", lambda: jwt.decode(token, b"\x01" * 32, algorithms=["HS256"]))
    expect_failure("secret string as key (JWT)", lambda: jwt.decode(token, secret.encode(), algorithms=["HS256"]))
    head, payload, sig = token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "eventId": "forged"}).encode()).rstrip(b"=").decode()
    expect_failure("tampered JWT", lambda: jwt.decode(f"{head}.{forged}.{sig}", key, algorithms=["HS256"]))

    access = sample["access_token"]
    assert access["headers"]["content-type"] == "application/json"
    assert access["headers"]["authorization"] == "Bearer tok"
    assert "webhook-signature" not in access["headers"]
    assert set(json.loads(access["body"])) == {"eventId", "eventType", "createdDate", "eventName", "data"}
    print("ok   access-token delivery is JSON with a Bearer header")
    print("PASS")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "stock_check/sample.json")
