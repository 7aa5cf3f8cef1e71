import type * as dynamic from "@pulumi/pulumi/dynamic";
import { Settings } from "../../identity/settings";
import { stackSettingsOf } from "./session";

/**
 * What every provider here shares: the `openstack:*` stack config handed to `configure`.
 * The providers are loaded from the package at run time (see ../serializable.ts), never
 * serialized into state, so they may hold it and may use inheritance.
 */
export abstract class ConfiguredProvider {
  /**
   * The `openstack:*` settings of the stack config, set by `configure`.
   * @internal
   */
  protected stackSettings?: Settings;

  /** Called by the engine once per provider process with the stack config, before any other hook. */
  async configure(request: dynamic.ConfigureRequest): Promise<void> {
    this.stackSettings = stackSettingsOf(request);
  }
}
