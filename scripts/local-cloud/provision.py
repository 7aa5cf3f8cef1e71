#!/usr/bin/python3
"""Idempotent Keystone provisioning for scripts/local-cloud.sh (stdlib only).

Find-or-create, through the Keystone v3 API as the bootstrap admin: the `image`
service and its endpoints, the `service` project and `glance` user, and the
`owner`, `consumer1`, `consumer2` projects and users with the `member` role.
Then write the files clients read: env/<identity>.env, env/cloud.json,
clouds.yaml and secure.yaml. A second run changes nothing in Keystone and
rewrites identical files.

Input (environment): LC_DIR, LC_KEYSTONE_URL, LC_GLANCE_URL, LC_REGION, and
the passwords file LC_DIR/secrets/passwords.env (NAME=VALUE lines).
"""
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
KS = os.environ["LC_KEYSTONE_URL"]  # without /v3
GLANCE = os.environ["LC_GLANCE_URL"]
REGION = os.environ.get("LC_REGION", "RegionOne")
AUTH_URL = KS + "/v3"

PW = keystone_api.passwords(D)

TOKEN = None


def call(method, path, body=None):
    """Keystone as the bootstrap admin (once main has its token): (json, headers)."""
    _, doc, headers = keystone_api.call(AUTH_URL, method, path, body, token=TOKEN)
    return doc, headers


def find_or_create(collection, key, name, extra_query="", create=None):
    found = call("GET", f"/{collection}?name={quote(name)}{extra_query}")[0][collection]
    if found:
        return found[0]["id"]
    print(f"local-cloud: creating {key} {name}", file=sys.stderr)
    return call("POST", f"/{collection}", {key: create or {"name": name}})[0][key]["id"]


def main():
    global TOKEN
    TOKEN = keystone_api.project_token(AUTH_URL, "admin", PW["admin"])

    # Catalog: the image service, one endpoint per interface (fix the URL if the port moved).
    svc = find_or_create("services", "service", "glance", "&type=image",
                         {"name": "glance", "type": "image", "enabled": True})
    eps = call("GET", f"/endpoints?service_id={svc}")[0]["endpoints"]
    for iface in ("public", "internal", "admin"):
        mine = [e for e in eps if e["interface"] == iface and e.get("region_id") == REGION]
        if not mine:
            call("POST", "/endpoints", {"endpoint": {"service_id": svc, "interface": iface,
                                                     "region_id": REGION, "url": GLANCE}})
        elif mine[0]["url"] != GLANCE:
            call("PATCH", f"/endpoints/{mine[0]['id']}", {"endpoint": {"url": GLANCE}})

    roles = {r: find_or_create("roles", "role", r) for r in ("admin", "member", "reader")}
    dom = "&domain_id=default"
    ids = {"admin": (find_or_create("users", "user", "admin", dom),
                     find_or_create("projects", "project", "admin", dom))}
    # identity name -> (project name, role)
    wanted = {"glance": ("service", "admin"), "owner": ("owner", "member"),
              "consumer1": ("consumer1", "member"), "consumer2": ("consumer2", "member")}
    for user, (project, role) in wanted.items():
        pid = find_or_create("projects", "project", project, dom,
                             {"name": project, "domain_id": "default",
                              "description": "local-cloud " + project})
        uid = find_or_create("users", "user", user, dom,
                             {"name": user, "domain_id": "default", "password": PW[user],
                              "default_project_id": pid, "enabled": True})
        # PUT on a role assignment is idempotent (204 either way).
        call("PUT", f"/projects/{pid}/users/{uid}/roles/{roles[role]}")
        ids[user] = (uid, pid)

    write_outputs(ids)


def put(path, text, mode=0o644):
    """Write only when the content differs, so a warm run touches nothing."""
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def write_outputs(ids):
    os.makedirs(os.path.join(D, "env"), exist_ok=True)
    identities = {}
    clouds, secure = [], []
    for name in ("admin", "owner", "consumer1", "consumer2"):
        uid, pid = ids[name]
        ident = {"authUrl": AUTH_URL, "username": name, "userId": uid, "password": PW[name],
                 "projectName": name, "projectId": pid, "userDomainName": "Default",
                 "projectDomainName": "Default", "region": REGION}
        identities[name] = ident
        env = {"OS_AUTH_URL": AUTH_URL, "OS_USERNAME": name, "OS_USER_ID": uid,
               "OS_PASSWORD": PW[name], "OS_PROJECT_NAME": name, "OS_PROJECT_ID": pid,
               "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default",
               "OS_REGION_NAME": REGION, "OS_INTERFACE": "public",
               "OS_IDENTITY_API_VERSION": "3", "OS_IMAGE_API_VERSION": "2"}
        put(os.path.join(D, "env", name + ".env"),
            "".join(f"export {k}={v}\n" for k, v in env.items()), 0o600)
        clouds.append(f"""  local-{name}:
    auth_type: password
    auth:
      auth_url: {AUTH_URL}
      username: {name}
      project_name: {name}
      project_id: {pid}
      user_domain_name: Default
      project_domain_name: Default
    region_name: {REGION}
    interface: public
    identity_api_version: 3
    image_api_version: 2
""")
        secure.append(f"  local-{name}:\n    auth:\n      password: {PW[name]}\n")
    doc = {"keystoneUrl": KS, "authUrl": AUTH_URL, "glanceUrl": GLANCE, "region": REGION,
           "identities": identities}
    put(os.path.join(D, "env", "cloud.json"), json.dumps(doc, indent=2) + "\n", 0o600)
    put(os.path.join(D, "clouds.yaml"), "# written by scripts/local-cloud.sh; passwords are in "
        "secure.yaml\nclouds:\n" + "".join(clouds))
    put(os.path.join(D, "secure.yaml"), "clouds:\n" + "".join(secure), 0o600)


if __name__ == "__main__":
    main()
