import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { Settings } from "../../identity/settings";
import { connect, Connection, stackSettingsOf } from "../../core/connect";
import { describeIdentity, Identity, missingStackCredentials } from "../../core/cloudIdentity";
import { refuseProjectSwitch } from "./managingProject";
import {
  LoadedRules,
  loadProjectRules,
  noRules,
  pulumiProjectDir,
  strictProjectIds,
} from "../../core/allowedProjects";
import { checkProjectIdShapes, ProjectIdUse, ProjectIdWords } from "../../core/projectIdShape";
import { warn } from "../../core/warnings";
import { unknownValue } from "../../core/validation";

/**
 * What every provider here shares: the `openstack:*` stack config handed to `configure`, and
 * the identity each resource acts with. The providers are loaded from the package at run time
 * (see ../../serialization/), never serialized into state, so they may hold it and may use
 * inheritance.
 */
export abstract class ConfiguredProvider {
  /**
   * The `openstack:*` settings of the stack config, set by `configure`.
   * @internal
   */
  protected stackSettings?: Settings;

  /**
   * The `imagemembers:*` project rules every grant obeys (../../core/allowedProjects.ts), set by
   * `configure` (or, in the plugin, by `useProjectRules`).
   * @internal
   */
  protected projectRules: LoadedRules = noRules;

  /**
   * Runs a hook so that its failure, for a resource that names a `cloud`, says whose
   * credentials were used: in one place rather than in each of the many headlines. Every
   * hook but `check` and `configure` runs inside it. `from` says where `cloud` was read:
   * the program's inputs, or the `state` of `read` and `delete`, which may hold a name the
   * program has since changed.
   * @internal
   */
  protected async namingTheCloud<T>(
    from: "inputs" | "state",
    where: { cloud?: unknown } | undefined,
    hook: () => Promise<T>,
  ): Promise<T> {
    try {
      return await hook();
    } catch (error) {
      const cloud = typeof where?.cloud === "string" ? where.cloud : undefined;
      throw withTheCloudNamed(error, cloud, from === "state");
    }
  }

  /**
   * Whether `check` judges the stack's credentials: set once the provider knows where they
   * come from (the engine configures a dynamic provider before any check; the plugin, whose
   * server hands it no config, says so in ./plugin/main.ts). A provider object used directly
   * has no stack to judge.
   * @internal
   */
  protected judgesCredentials = false;

  /** Called by the engine once per provider process with the stack config, before any other hook. */
  async configure(request: dynamic.ConfigureRequest): Promise<void> {
    this.stackSettings = stackSettingsOf(request);
    this.judgesCredentials = true;
    this.useProjectRules(loadProjectRules((key) => request.config.get(key), pulumiProjectDir));
  }

  /**
   * Sets the project rules: for the plugin, whose server never hands it the config.
   * @internal
   */
  useProjectRules(rules: LoadedRules): void {
    this.projectRules = rules;
  }

  /**
   * For the plugin: `check` judges the credentials of its environment (`OS_*`, clouds.yaml).
   * @internal
   */
  judgeCredentialsAtCheck(): void {
    this.judgesCredentials = true;
  }

  /**
   * `check`'s verdict on the stack's credentials, for a resource without a `cloud` input: with
   * no source at all (no `openstack:*` credential, no `OS_*` variable, no clouds.yaml entry
   * named), a failure naming the places looked at, so `pulumi preview` fails where `up`
   * would; only a warning when the resource's inputs are unchanged, as nothing then needs the
   * cloud (a no-op `up` sends no request).
   * @internal
   */
  protected async checkStackCredentials(
    resource: string,
    olds: object,
    news: { cloud?: unknown },
  ): Promise<CheckFailure[]> {
    if (!this.judgesCredentials || news.cloud === unknownValue) return [];
    if (typeof news.cloud === "string" && news.cloud !== "") return [];
    const missing = missingStackCredentials(this.stackSettings);
    if (missing === undefined) return [];
    if (sameInputs(olds, news)) {
      await warn(
        `${missing}. Nothing in this run needs the cloud yet, but any change, refresh or ` +
          "destroy will fail.",
        { oncePerProcess: true },
      );
      return [];
    }
    return [{ property: "cloud", reason: `${resource} cannot reach the cloud: ${missing}.` }];
  }

  /**
   * `check`'s shape rule for the project ids a resource takes (../../core/projectIdShape.ts): the
   * warnings are shown now, the failures (strict mode) returned.
   * @internal
   */
  protected async checkProjectIdShapes(
    resource: string,
    imageId: unknown,
    uses: readonly ProjectIdUse[],
    words?: (image: string) => ProjectIdWords,
  ): Promise<CheckFailure[]> {
    const findings = checkProjectIdShapes({
      resource,
      imageId,
      uses,
      strict: strictProjectIds(this.projectRules),
      ...(words === undefined ? {} : { words }),
    });
    for (const warning of findings.warnings) await warn(warning);
    return findings.failures;
  }

  /**
   * The stack's credentials, or those of the clouds.yaml entry a resource's `cloud` names.
   * @internal
   */
  protected identity(cloud: string | undefined): Identity {
    return { stack: this.stackSettings, cloud };
  }

  /**
   * Glance for a resource's region, as the resource's identity; the session behind it is the
   * process's one for that identity. Fails with an error explained under `headline`.
   * @internal
   */
  protected connect(
    where: { region?: string | undefined; cloud?: string | undefined },
    headline: string,
  ): Promise<Connection> {
    return connect(this.identity(where.cloud), where.region, headline);
  }

  /**
   * `diff`'s rule for a changed `cloud` (./managingProject.ts): throws when the new name is
   * another project's; otherwise the change is none at all.
   * @internal
   */
  protected async refuseCloudChange(
    olds: { cloud?: string | undefined; managingProjectId?: string | undefined },
    news: { cloud?: string | undefined },
    words: { headline: string; consequence: string },
  ): Promise<void> {
    if ((olds.cloud ?? undefined) === (news.cloud ?? undefined)) return;
    const refused = await refuseProjectSwitch({
      before: this.identity(olds.cloud),
      recordedProjectId: olds.managingProjectId,
      after: this.identity(news.cloud),
      ...words,
    });
    if (refused) throw refused;
  }
}

/** The same inputs, the engine's own (`__provider`, ...) left out: nothing would change. */
function sameInputs(olds: object, news: object): boolean {
  const own = (inputs: object) =>
    JSON.stringify(
      Object.entries(inputs)
        .filter(([key]) => !key.startsWith("__"))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  return Object.keys(olds).length > 0 && own(olds) === own(news);
}

function withTheCloudNamed(error: unknown, cloud: string | undefined, fromState: boolean): unknown {
  if (cloud === undefined || !(error instanceof Error)) {
    return error;
  }
  if (fromState && error.message.includes(`cloud "${cloud}" (the cloud input) is not defined`)) {
    // A rename to another entry of the same project is no change, so state keeps the old name.
    error.message +=
      ` State records this resource with cloud "${cloud}": a cloud renamed in the program to ` +
      `another entry of the same project is not a change, so the name in state stays until the ` +
      `resource next changes. Put "${cloud}" back in clouds.yaml (any credentials of the same ` +
      `project) to refresh or destroy it; nothing was changed.`;
    return error;
  }
  if (error.message.includes(`"${cloud}"`)) {
    return error;
  }
  const said = ` (Credentials used: ${describeIdentity({ stack: undefined, cloud })}, from the resource's cloud input.)`;
  error.message += said;
  // A "created but failed to initialise" error carries the message again for the engine.
  const reasons = (error as { reasons?: unknown }).reasons;
  if (Array.isArray(reasons)) {
    (error as unknown as { reasons: unknown[] }).reasons = reasons.map((r) =>
      typeof r === "string" ? r + said : r,
    );
  }
  return error;
}
