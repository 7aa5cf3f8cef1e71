#!/usr/bin/python3
"""A read-only application credential of a cloud's owner identity (stdlib only).

Made through Keystone's own API with the owner's password (POST
/v3/users/{user_id}/application_credentials with access rules), on whichever cloud a
cloud.json describes: the local cloud's (scripts/local-cloud.sh read-only-credential) or
the cloud under test (tests/support/realCloud.ts, PIM_CLOUD_JSON). Nothing here knows the
local cloud.

Keystone application credentials can carry access rules; Glance enforces them once its
[keystone_authtoken] says service_type = image (glance-api.conf.in). The rules below allow
the GETs a preview, a refresh and the look-ups send, and nothing else: a POST of a member is
refused (401) by Glance itself, whatever the program does. This is the credential the GitOps
example's pull-request and drift jobs use. Every run checks that Glance does refuse: a POST
of a member to an image that does not exist must get 401 (403), not the 404 of a Glance that
ignores the rules (nothing is written either way); otherwise exit 3 saying what to set.

Idempotent: an env file whose credential still authenticates, with these very rules, is kept;
otherwise the credential of that name is deleted and made again. The secret goes to the env
file (mode 0600) only, never to stdout or stderr. Prints the env file's path.

Input (environment): LC_CLOUD_JSON (the cloud.json), LC_IDENTITY (its identity that owns
the credential, default owner), LC_NAME (the credential's name), LC_ENV_FILE (where to write
it).
"""
import fcntl
import functools
import json
import os
import sys
import uuid
from urllib.parse import quote

# keystone_api.py sits next to this file: importable however the script is started (-P, another
# working directory), and no __pycache__ left in the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import keystone_api  # noqa: E402

CLOUD_JSON = os.environ["LC_CLOUD_JSON"]
NAME = os.environ["LC_NAME"]
ENV_FILE = os.environ["LC_ENV_FILE"]
with open(CLOUD_JSON) as _f:
    IDENTITY = json.load(_f)["identities"][os.environ.get("LC_IDENTITY", "owner")]
AUTH_URL = IDENTITY["authUrl"].rstrip("/")
REGION = IDENTITY["region"]

# Reads of images and their members: GET /v2/images and anything under it.
ACCESS_RULES = [
    {"service": "image", "method": "GET", "path": "/v2/images/**"},
    {"service": "image", "method": "GET", "path": "/v2/images"},
]
# Exit status when the cloud does not enforce the rules: the caller says what to set.
NOT_ENFORCED = 3


call = functools.partial(keystone_api.call, AUTH_URL)


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


def credential_token(values, catalog=False):
    """(status, token, body) of the env file's credential authenticating."""
    cid, secret = values.get("OS_APPLICATION_CREDENTIAL_ID"), values.get("OS_APPLICATION_CREDENTIAL_SECRET")
    if not cid or not secret:
        return None, None, {}
    status, doc, headers = call("POST", "/auth/tokens" + ("" if catalog else "?nocatalog"), {"auth": {
        "identity": {"methods": ["application_credential"],
                     "application_credential": {"id": cid, "secret": secret}}}}, ok=None)
    return status, headers.get("X-Subject-Token"), doc


def still_good(token, values):
    """The env file's credential exists, has exactly our rules, and authenticates."""
    cid = values.get("OS_APPLICATION_CREDENTIAL_ID")
    if not cid or values.get("OS_AUTH_URL") != AUTH_URL:
        return False
    status, doc, _ = call("GET", f"/users/{IDENTITY['userId']}/application_credentials/{cid}",
                          token=token, ok=None)
    if status != 200 or rules_of(doc.get("application_credential", {})) != rules_of({"access_rules": ACCESS_RULES}):
        return False
    return credential_token(values)[0] == 201


def put_env(values):
    os.makedirs(os.path.dirname(os.path.abspath(ENV_FILE)), exist_ok=True)
    tmp = ENV_FILE + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write("".join(f"export {k}={v}\n" for k, v in values.items()))
    os.chmod(tmp, 0o600)
    os.replace(tmp, ENV_FILE)


def image_endpoint(token_doc):
    for service in token_doc.get("token", {}).get("catalog", []):
        if service.get("type") == "image":
            for e in service.get("endpoints", []):
                if e.get("interface") == "public" and e.get("region_id", REGION) == REGION:
                    return e["url"].rstrip("/")
    return None


def check_enforced(values):
    """Glance refuses what the rules do not allow: a POST of a member (to no image) gets 401."""
    status, token, doc = credential_token(values, catalog=True)
    glance = image_endpoint(doc)
    if status != 201 or not glance:
        raise SystemExit(f"local-cloud: the read-only credential does not authenticate at {AUTH_URL} "
                         f"(token {status}) or its catalog has no public image endpoint in {REGION}")
    status, _, _ = keystone_api.call(glance, "POST", f"/v2/images/{uuid.uuid4()}/members",
                                     {"member": "read-only-credential-probe"}, token=token, ok=None)
    if status not in (401, 403):
        print(f"local-cloud: Glance at {glance} does not enforce application credential access rules: "
              f"a POST of a member that the credential's rules forbid got HTTP {status}, not 401. "
              "Set service_type = image in the [keystone_authtoken] section of that Glance's "
              "glance-api.conf and restart glance-api (the local cloud's has it: "
              "scripts/local-cloud/glance-api.conf.in).", file=sys.stderr)
        raise SystemExit(NOT_ENFORCED)


def main():
    # One at a time per env file: two test files asking at once must not delete each other's.
    os.makedirs(os.path.dirname(os.path.abspath(ENV_FILE)), exist_ok=True)
    lock = open(ENV_FILE + ".lock", "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    token = keystone_api.identity_token(AUTH_URL, IDENTITY)
    user_id = IDENTITY["userId"]
    values = read_env_file()
    if not still_good(token, values):
        _, doc, _ = call("GET", f"/users/{user_id}/application_credentials?name={quote(NAME)}", token=token)
        for old in doc.get("application_credentials", []):
            print(f"local-cloud: deleting application credential {NAME} ({old['id']})", file=sys.stderr)
            call("DELETE", f"/users/{user_id}/application_credentials/{old['id']}", token=token)
        print(f"local-cloud: creating application credential {NAME} at {AUTH_URL} (GETs of images only)",
              file=sys.stderr)
        _, doc, _ = call("POST", f"/users/{user_id}/application_credentials", {"application_credential": {
            "name": NAME,
            "description": "reads images and members only (scripts/local-cloud/read-only-credential.py)",
            "access_rules": ACCESS_RULES}}, token=token)
        cred = doc["application_credential"]
        values = {"OS_AUTH_TYPE": "v3applicationcredential", "OS_AUTH_URL": AUTH_URL,
                  "OS_APPLICATION_CREDENTIAL_ID": cred["id"],
                  "OS_APPLICATION_CREDENTIAL_SECRET": cred["secret"],
                  "OS_REGION_NAME": REGION,
                  "OS_INTERFACE": "public", "OS_IDENTITY_API_VERSION": "3",
                  "OS_IMAGE_API_VERSION": "2"}
        put_env(values)
    check_enforced(values)
    print(ENV_FILE)


if __name__ == "__main__":
    main()
