/**
 * The provider plugin's package and the resources it serves: each a type token mapped to the
 * runtime implementation the dynamic resource of the same name uses
 * (../serialization/runtime.ts) and to the TypeScript class whose doc comments describe it
 * (the schema is generated from those, see scripts/plugin-schema.ts).
 */

/** The plugin's package name: types are `imagemembers:index:<Resource>`. */
export const packageName = "imagemembers";

/** Resource name (the TypeScript class, exported by ../index.ts) => runtime provider export. */
export const pluginResources = {
  ImageMember: "imageMember",
  ImageMemberAcceptance: "imageMemberAcceptance",
  ImageMembers: "imageMembers",
} as const;

/** A resource the plugin serves. */
export type PluginResourceName = keyof typeof pluginResources;

/** `imagemembers:index:ImageMember` for `ImageMember`. */
export function typeToken(name: PluginResourceName): string {
  return `${packageName}:index:${name}`;
}
