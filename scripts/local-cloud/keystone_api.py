"""The Keystone v3 API as scripts/local-cloud/*.py use it (stdlib only).

Not named keystone.py: that would shadow (or be shadowed by) Debian's python3-keystone,
which the local cloud installs.
"""
import json
import os
import urllib.error
import urllib.request


def call(auth_url, method, path, body=None, token=None, ok=(200, 201, 204)):
    """(status, json, headers); never raises for an HTTP status, never shows a body with a secret.

    A status outside `ok` (None: any status) ends the script naming the request and status.
    """
    req = urllib.request.Request(auth_url + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    req.add_header("Accept", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw, status, headers = r.read(), r.status, r.headers
    except urllib.error.HTTPError as e:
        raw, status, headers = e.read(), e.code, e.headers
    if ok is not None and status not in ok:
        # The path and status only: a request body may hold a secret, a response may echo one.
        raise SystemExit(f"local-cloud: keystone {method} {path.split('?')[0]}: {status}")
    try:
        doc = json.loads(raw) if raw else {}
    except ValueError:
        doc = {}
    return status, doc, headers


def passwords(local_cloud_dir):
    """The identities' passwords: LC_DIR/secrets/passwords.env, NAME=VALUE lines."""
    pw = {}
    with open(os.path.join(local_cloud_dir, "secrets", "passwords.env")) as f:
        for line in f:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                pw[k] = v
    return pw


def project_token(auth_url, name, password):
    """A token of user `name` scoped to the project of the same name (both in domain default)."""
    _, _, headers = call(auth_url, "POST", "/auth/tokens?nocatalog", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": name, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"name": name, "domain": {"id": "default"}}}}})
    return headers["X-Subject-Token"]


def identity_token(auth_url, identity):
    """A project-scoped token of a cloud.json identity (names and domain names as given there)."""
    _, _, headers = call(auth_url, "POST", "/auth/tokens?nocatalog", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": identity["username"], "domain": {"name": identity["userDomainName"]},
            "password": identity["password"]}}},
        "scope": {"project": {"name": identity["projectName"],
                              "domain": {"name": identity["projectDomainName"]}}}}})
    return headers["X-Subject-Token"]
