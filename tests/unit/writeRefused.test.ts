/**
 * A 401 from the image service after a fresh authentication: on a write it means the token is
 * good but may not write (a read-only application credential, whose access rules Glance
 * enforces), and the message says so; on a read it stays the token problem it was.
 */
import { explainCommonFailure } from "../../provider/core/explain";
import { ApiError } from "../../provider/transport/errors";

const refused = (method: string) =>
  new ApiError(
    { method, target: "127.0.0.1:19292/v2/images/img-1/members" },
    401,
    "This server could not verify that you are authorized to access the document you requested.",
    "req-1",
    undefined,
    false,
    2,
  );

test("a write refused with 401: the credentials cannot write, with the server's words", () => {
  const error = explainCommonFailure(refused("POST"), "Cannot share image img-1 with project p-2");
  expect(error?.message).toMatch(
    /^Cannot share image img-1 with project p-2: the credentials cannot write: the image service refused this POST even after a fresh authentication\. .*\(server said: HTTP 401, .*request id req-1\)$/,
  );
  expect(error?.message).toContain("access rules allow only GET");
});

test("a read refused with 401: still the token the image service rejected", () => {
  const error = explainCommonFailure(refused("GET"), "Cannot read image img-1's member p-2");
  expect(error?.message).toContain("the image service rejected the token");
  expect(error?.message).not.toContain("cannot write");
});
