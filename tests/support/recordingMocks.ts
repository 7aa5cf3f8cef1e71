import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi's mocks for a unit test of a program: every resource the program registers is
 * accepted with its inputs as its state, and its inputs are recorded (oldest first) in the
 * list returned. Call before requiring the resource modules, which read the mocked runtime.
 */
export function recordingRegistrations(): Record<string, unknown>[] {
  const registered: Record<string, unknown>[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args.inputs);
        return { id: `${args.inputs.imageId}`, state: args.inputs };
      },
      call: () => ({}),
    },
    "project",
    "stack",
  );
  return registered;
}
