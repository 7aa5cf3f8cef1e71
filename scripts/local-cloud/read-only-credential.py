#!/usr/bin/python3
"""A read-only application credential of the owner, for scripts/local-cloud.sh (stdlib only).

Keystone application credentials can carry access rules; Glance enforces them once its
[keystone_authtoken] says service_type = image (glance-api.conf.in). The rules below allow
the GETs a preview, a refresh and the look-ups send, and nothing else: a POST of a member is
refused (401) by Glance itself, whatever the program does. This is the credential the GitOps
example's pull-request and drift jobs use.

Idempotent: an env file whose credential still authenticates, with these very rules, is kept;
otherwise the credential of that name is deleted and made again. The secret goes to the env
file (mode 0600) only, never to stdout or stderr. Prints the env file's path.

Input (environment): LC_DIR, LC_KEYSTONE_URL, LC_REGION, LC_NAME (the credential's name,
also the env file's: env/LC_NAME.env), and LC_DIR/secrets/passwords.env and env/cloud.json.
"""
import functools
import json
import os
import sys
from urllib.parse import quote

# keystone_api.py sits next to this file: importable however the script is started (-P, another
# working directory), and no __pycache__ left in the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import keystone_api  # noqa: E402

D = os.environ["LC_DIR"]
AUTH_URL = os.environ["LC_KEYSTONE_URL"] + "/v3"
REGION = os.environ.get("LC_REGION", "RegionOne")
NAME = os.environ["LC_NAME"]
ENV_FILE = os.path.join(D, "env", NAME + ".env")

# Reads of images and their members: GET /v2/images and anything under it.
ACCESS_RULES = [
    {"service": "image", "method": "GET", "path": "/v2/images/**"},
    {"service": "image", "method": "GET", "path": "/v2/images"},
]


call = functools.partial(keystone_api.call, AUTH_URL)


def owner_token():
    return keystone_api.project_token(AUTH_URL, "owner", keystone_api.passwords(D)["owner"])


def read_env_file():
    values = {}
    try:
        with open(ENV_FILE) as f:
            for line in f:
                line = line.strip()
                if line.startswith("export ") and "=" in line:
                    k, v = line[len("export "):].split("=", 1)
                    values[k] = v
    except FileNotFoundError:
        pass
    return values


def rules_of(cred):
    return sorted((r.get("service"), r.get("method"), r.get("path"))
                  for r in cred.get("access_rules") or [])


def still_good(token, user_id, values):
    """The env file's credential exists, has exactly our rules, and authenticates."""
    cid, secret = values.get("OS_APPLICATION_CREDENTIAL_ID"), values.get("OS_APPLICATION_CREDENTIAL_SECRET")
    if not cid or not secret:
        return False
    status, doc, _ = call("GET", f"/users/{user_id}/application_credentials/{cid}", token=token, ok=None)
    if status != 200 or rules_of(doc.get("application_credential", {})) != rules_of({"access_rules": ACCESS_RULES}):
        return False
    status, _, _ = call("POST", "/auth/tokens?nocatalog", {"auth": {"identity": {
        "methods": ["application_credential"],
        "application_credential": {"id": cid, "secret": secret}}}}, ok=None)
    return status == 201


def put_env(values):
    tmp = ENV_FILE + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write("".join(f"export {k}={v}\n" for k, v in values.items()))
    os.chmod(tmp, 0o600)
    os.replace(tmp, ENV_FILE)


def main():
    with open(os.path.join(D, "env", "cloud.json")) as f:
        owner = json.load(f)["identities"]["owner"]
    token = owner_token()
    user_id = owner["userId"]
    if not still_good(token, user_id, read_env_file()):
        _, doc, _ = call("GET", f"/users/{user_id}/application_credentials?name={quote(NAME)}", token=token)
        for old in doc.get("application_credentials", []):
            print(f"local-cloud: deleting application credential {NAME} ({old['id']})", file=sys.stderr)
            call("DELETE", f"/users/{user_id}/application_credentials/{old['id']}", token=token)
        print(f"local-cloud: creating application credential {NAME} (GETs of images only)", file=sys.stderr)
        _, doc, _ = call("POST", f"/users/{user_id}/application_credentials", {"application_credential": {
            "name": NAME,
            "description": "local-cloud: reads images and members only (scripts/local-cloud.sh read-only-credential)",
            "access_rules": ACCESS_RULES}}, token=token)
        cred = doc["application_credential"]
        put_env({"OS_AUTH_TYPE": "v3applicationcredential", "OS_AUTH_URL": AUTH_URL,
                 "OS_APPLICATION_CREDENTIAL_ID": cred["id"],
                 "OS_APPLICATION_CREDENTIAL_SECRET": cred["secret"],
                 "OS_REGION_NAME": REGION,
                 "OS_INTERFACE": "public", "OS_IDENTITY_API_VERSION": "3",
                 "OS_IMAGE_API_VERSION": "2"})
    print(ENV_FILE)


if __name__ == "__main__":
    main()
