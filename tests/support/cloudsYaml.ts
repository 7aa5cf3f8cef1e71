/**
 * clouds.yaml + secure.yaml for the identities of the cloud under test (PIM_CLOUD_JSON or the
 * local cloud's cloud.json), written into a test's own folder: a suite that selects its
 * credentials with OS_CLOUD must authenticate against that cloud, never read the local
 * cloud's `.local-cloud/clouds.yaml`.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CloudFile } from "./realCloud";

/** Writes both files into `dir`; returns the OS_* variables selecting identity `name`. */
export function writeCloudsYaml(
  cloud: CloudFile,
  dir: string,
): (name: string) => Record<string, string> {
  const names = Object.keys(cloud.identities);
  const clouds = Object.fromEntries(
    names.map((name) => {
      const i = cloud.identities[name];
      const auth = {
        auth_url: i.authUrl,
        username: i.username,
        project_name: i.projectName,
        project_id: i.projectId,
        user_domain_name: i.userDomainName,
        project_domain_name: i.projectDomainName,
      };
      return [`pim-${name}`, { auth_type: "password", auth, region_name: i.region }];
    }),
  );
  const secure = Object.fromEntries(
    names.map((name) => [`pim-${name}`, { auth: { password: cloud.identities[name].password } }]),
  );
  const cloudsFile = path.join(dir, "clouds.yaml");
  const secureFile = path.join(dir, "secure.yaml");
  fs.writeFileSync(cloudsFile, yaml.dump({ clouds }));
  fs.writeFileSync(secureFile, yaml.dump({ clouds: secure }), { mode: 0o600 });
  return (name) => {
    if (!cloud.identities[name]) throw new Error(`the cloud file has no identity "${name}"`);
    return {
      OS_CLOUD: `pim-${name}`,
      OS_CLIENT_CONFIG_FILE: cloudsFile,
      OS_CLIENT_SECURE_FILE: secureFile,
    };
  };
}
