/**
 * `pulumi import` of something that does not exist. A `read` that finds nothing answers "gone"
 * (no id), which is right for a refresh: the engine drops the resource from state. On an import
 * (no state yet) the engine reads the same answer as a provider that cannot import at all
 * ("provider does not support importing resources; please try updating the plugin"), which
 * sends the user the wrong way. So an import that finds nothing fails instead, saying what is
 * missing and how to list what exists.
 */
import { ApiError } from "../../transport/errors";
import { Connection } from "../../core/connect";
import { fail, imageForDiagnosis, ProviderError, serverEvidence } from "../../core/explain";

/** What an import asked for. */
export interface ImportSubject {
  /** The resource type as the user names it: `ImageMember`, `ImageMembers`, ... */
  kind: string;
  /** The id given to `pulumi import`. */
  id: string;
  imageId: string;
  /** The member project, for the resources identified by one membership. */
  memberId?: string;
  /** Whose side the resource acts for: the image's owner, or the member project. */
  side: "owner" | "member";
}

/**
 * The failure of an import that found nothing (Glance answered `notFound`): one more look at
 * the image tells a missing image from a missing membership.
 */
export async function nothingToImport(
  connection: Connection,
  subject: ImportSubject,
  notFound: ApiError,
): Promise<ProviderError> {
  const { kind, id, imageId, memberId, side } = subject;
  const headline = `Cannot import ${kind} ${id}`;
  const image = await imageForDiagnosis(connection.glance, imageId);
  const scope = await scopeOf(connection);
  const importAs = memberId === undefined ? "<image id>" : "<image id>/<member project id>";
  const credentials = side === "owner" ? "owner project" : "member project";
  if (image === "not-found" || image === undefined) {
    const seen = image === undefined ? "could not be read" : `does not exist or is not visible`;
    return fail(
      headline,
      `image ${imageId} ${seen} to ${scope}, so there is nothing to import. Check the id and the ` +
        `region (openstack image show ${imageId}), and use the credentials of the image's ` +
        `${credentials}; the id to import is ${importAs}.`,
      serverEvidence(notFound),
    );
  }
  if (memberId === undefined) {
    // The member list answered "not found" while the image itself reads: it was deleted (or
    // made) between the two requests, so neither "missing" nor "present" would be true.
    return fail(
      headline,
      `image ${imageId} is visible to ${scope}, but the image service did not find its member ` +
        `list, so there is nothing to import now: the image may have been deleted meanwhile. ` +
        `Check it (openstack image show ${imageId}) and import again with the credentials of ` +
        `the image's ${credentials}; the id to import is ${importAs}.`,
      serverEvidence(notFound),
    );
  }
  const list =
    side === "owner"
      ? `List the image's members with \`openstack image member list ${imageId}\` (as its owner ` +
        `project) and import one of them as ${imageId}/<member project id>`
      : `List the images shared with ${scope} with \`openstack image list --shared --member-status all\`, ` +
        `or ask the image's owner to share it first (ImageMember), then import it as ${imageId}/${memberId}`;
  return fail(
    headline,
    `project ${memberId} is not a member of image ${imageId}: the image service has no such ` +
      `membership, so there is nothing to import. ${list}.`,
    serverEvidence(notFound),
  );
}

/**
 * The failure of an import whose member list the image service refused to show (403). Glance
 * hides the members of an image that is not "shared" (they still exist, and come back when it
 * is shared again), and shows them to the owner project alone. Nothing is in state yet, so
 * unlike a refresh nothing is kept there either: the import simply has nothing to read.
 */
export async function membersHiddenFromImport(
  connection: Connection,
  subject: Pick<ImportSubject, "kind" | "id" | "imageId">,
  forbidden: ApiError,
): Promise<ProviderError> {
  const { kind, id, imageId } = subject;
  const headline = `Cannot import ${kind} ${id}`;
  const image = await imageForDiagnosis(connection.glance, imageId);
  const visibility = typeof image === "object" ? image.visibility : undefined;
  if (visibility && visibility !== "shared") {
    return fail(
      headline,
      `image ${imageId} is "${visibility}", so the image service hides its member list, and ` +
        `nothing was imported. Make the image shared (openstack image set --shared ${imageId}) ` +
        `and import it again; if it should stay ${visibility}, it has no members to manage, ` +
        `so there is nothing to import.`,
      serverEvidence(forbidden),
    );
  }
  // A shared image whose list is refused, or an image that could not be read to tell why.
  return fail(
    headline,
    `the image service refused to show the member list of image ${imageId} to ` +
      `${await scopeOf(connection)}, so nothing was imported. Only the image's owner project ` +
      `may read it, and only while the image is "shared" (openstack image show ${imageId} ` +
      `shows its visibility): import again with the credentials of the image's owner project; ` +
      `the id to import is <image id>.`,
    serverEvidence(forbidden),
  );
}

/** The project whose credentials asked, as messages name it. */
async function scopeOf(connection: Connection): Promise<string> {
  const projectId = await connection.projectId();
  return projectId ? `project ${projectId}` : "the configured project";
}
