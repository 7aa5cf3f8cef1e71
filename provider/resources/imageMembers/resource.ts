import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- module.exports is the provider (see there)
import provider = require("../../serialization/imageMembers");
import type { ImageMembersMember } from "./provider";
import { listAsProjects, projectIdsByKey } from "./projects";
import {
  checkAccept,
  declareAcceptances,
  MemberAcceptanceArgs,
} from "../imageMemberAcceptance/shareAcceptances";
import type { ImageMemberAcceptance } from "../imageMemberAcceptance/resource";
import { ConciseDynamicResource, secretInputNames } from "../common/dynamicResource";

/** The arguments of an {@link ImageMembers}. */
export interface ImageMembersArgs {
  /** The image to share (a UUID). The credentials must belong to its owner project. */
  imageId: pulumi.Input<string>;
  /**
   * The projects to share it with, by a label of your choice: `{ ops: "<project id>" }`.
   * `pulumi preview --diff` then shows one line per project gaining or losing access, under
   * its label, and nothing else. Give this or `memberIds`.
   */
  projects?: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
  /**
   * The projects to share it with as a plain list, each listed once; order does not matter.
   * Stored as `projects` with each id its own label, so the diff is the same as for `projects`.
   * Give this or `projects`.
   */
  memberIds?: pulumi.Input<pulumi.Input<string>[]> | undefined;
  /** Region whose image service to use; defaults to the configured region. */
  region?: pulumi.Input<string> | undefined;
  /**
   * Take over memberships that exist already (made by hand or another tool) instead of
   * failing with a conflict.
   */
  adoptExisting?: pulumi.Input<boolean> | undefined;
  /**
   * A clouds.yaml entry (secure.yaml merged) whose credentials, the image owner's, to use
   * instead of the stack's. State keeps only the name.
   */
  cloud?: pulumi.Input<string> | undefined;
  /**
   * This resource owns the image's whole member list: a refresh reads every member of the
   * image, so a project granted access outside Pulumi (by hand, another tool) shows as drift
   * in `pulumi preview --refresh` and the review report, and the next `pulumi up` after a
   * refresh (`pulumi up --refresh`) removes it. Without it, members this resource did not
   * make are left alone.
   */
  exclusive?: pulumi.Input<boolean> | undefined;
  /**
   * Accept the share in this same stack, with each member project's own credentials: keyed
   * by the member's label in `projects` (or its project id), `{ ops: { cloud: "ops" } }`.
   * Each becomes an `ImageMemberAcceptance` child named `<name>-<key>-accept`, created after
   * the share and reset before it is removed.
   */
  accept?: Record<string, MemberAcceptanceArgs> | undefined;
}

/**
 * Shares an image with many projects: all the Glance v2 members of one image in one
 * resource. Cheaper than one `ImageMember` per project for long lists (one state entry and
 * one engine step per image, and only the members that change cost a request). Members that
 * exist in Glance but are not listed here are left alone, unless `exclusive` is set.
 */
export class ImageMembers extends ConciseDynamicResource {
  /** The image shared. */
  declare readonly imageId: pulumi.Output<string>;
  /** The region given, if any. */
  declare readonly region: pulumi.Output<string | undefined>;
  /** The clouds.yaml entry given, if any. */
  declare readonly cloud: pulumi.Output<string | undefined>;
  /** true when the resource owns the image's whole member list. */
  declare readonly exclusive: pulumi.Output<boolean | undefined>;
  /**
   * The memberships, sorted by memberId; each `status` is `pending`, `accepted` or `rejected`,
   * and `name` is the project's label in `projects` when that is not the id itself.
   */
  declare readonly members: pulumi.Output<ImageMembersMember[]>;
  /**
   * The project whose credentials created the memberships. A "not found" seen with another
   * project's credentials never takes them out of state.
   */
  declare readonly managingProjectId: pulumi.Output<string | undefined>;
  /** The acceptances `accept` declares, by the same keys. */
  readonly acceptances: Record<string, ImageMemberAcceptance>;

  constructor(name: string, args: ImageMembersArgs, opts?: pulumi.CustomResourceOptions) {
    const accept = checkAccept(`ImageMembers ${name}`, args.accept) ?? {};
    const form = args.projects !== undefined ? "projects" : "memberIds";
    const given = args[form];
    // Known now in most programs: a wrong key then fails at construction, with its line, and
    // before super() registers the resource: thrown after it, `pulumi up` still shared the
    // image with every project before the program's error stopped the engine.
    if (isPlainData(given)) {
      const byKey = projectIdsByKey({ [form]: given });
      Object.keys(accept).forEach((key) => memberIdOf(name, key, byKey));
    }
    // A list holding outputs (a secret id, an id from another resource) is turned into the
    // map here, in the program, rather than by check: the engine keeps a secret only under
    // its own property name, so a secret entry of memberIds would come back from check as a
    // plain key of projects. Made from the list, the map is secret as a whole when any entry is.
    const listWithOutputs =
      args.projects === undefined &&
      args.memberIds !== undefined &&
      args.memberIds !== null &&
      !isPlainData(args.memberIds);
    const givenProjects = listWithOutputs
      ? pulumi.output(args.memberIds!).apply((ids) => listAsProjects(name, ids))
      : args.projects;
    const memberIds = listWithOutputs ? undefined : args.memberIds;
    super(
      "imageMembers",
      provider,
      name,
      {
        imageId: args.imageId,
        projects: givenProjects,
        memberIds,
        region: args.region,
        adoptExisting: args.adoptExisting,
        cloud: args.cloud,
        exclusive: args.exclusive,
        members: undefined,
        managingProjectId: undefined,
        // Names only: a refusal by the allowed projects then never quotes a secret id.
        secretInputs: secretInputNames({ projects: givenProjects, memberIds }),
      },
      opts,
      "images",
      "ImageMembers",
    );
    const projects = pulumi.output(given).apply((known) => projectIdsByKey({ [form]: known }));
    this.acceptances = declareAcceptances(
      name,
      { imageId: args.imageId, region: args.region },
      Object.entries(accept).map(([key, acceptArgs]) => ({
        key,
        memberId: projects.apply((byKey) => memberIdOf(name, key, byKey)),
        args: acceptArgs,
        share: this,
      })),
    );
  }
}

function isPlainData(given: unknown): boolean {
  const values = Array.isArray(given)
    ? given
    : given && typeof given === "object" && !pulumi.Output.isInstance(given)
      ? Object.values(given)
      : undefined;
  return values !== undefined && values.every((v) => typeof v === "string");
}

function memberIdOf(name: string, key: string, byKey: Map<string, string>): string {
  const memberId = byKey.get(key);
  if (memberId === undefined) {
    throw new Error(
      `ImageMembers ${name}: accept["${key}"] names no project this resource shares the image ` +
        `with; its keys are the labels of projects (or project ids): ` +
        `${[...byKey.keys()].map((k) => `"${k}"`).join(", ") || "none"}. Share with that project ` +
        `first, or remove it from accept.`,
    );
  }
  return memberId;
}
