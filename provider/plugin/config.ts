/**
 * The stack config the plugin obeys. The Node provider server answers the engine's
 * `Configure` without passing its variables on, and `CheckConfig` "not implemented"; but the
 * engine starts every resource plugin with `PULUMI_CONFIG` in its environment: a JSON object
 * of the stack config in the plugin's own namespace (`imagemembers:*`), the namespace dropped
 * from the keys, each value a string (lists as JSON text). That is where the project rules
 * come from (../core/allowedProjects.ts).
 */
import {
  LoadedRules,
  loadProjectRules,
  pulumiProjectDir,
  rulesNamespace,
} from "../core/allowedProjects";

/** The project rules of the stack the engine runs this plugin for. */
export function projectRulesFromEngine(env: NodeJS.ProcessEnv): LoadedRules {
  const text = env.PULUMI_CONFIG;
  let config: Record<string, unknown> = {};
  if (text !== undefined && text !== "") {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw parsed;
      config = parsed as Record<string, unknown>;
    } catch {
      return {
        broken: `the engine's PULUMI_CONFIG is not a JSON object, so the ${rulesNamespace}:* settings cannot be read`,
      };
    }
  }
  const prefix = `${rulesNamespace}:`;
  return loadProjectRules(
    (key) => (key.startsWith(prefix) ? config[key.slice(prefix.length)] : undefined),
    pulumiProjectDir,
  );
}
