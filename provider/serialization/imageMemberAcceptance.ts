import { serializableProvider } from "./standIn";

// This module's exports *are* the provider Pulumi serializes. For an installed package,
// Pulumi then records `require("pulumi-image-members/serialized/imageMemberAcceptance")` in state instead of
// copying code, which keeps every resource's state small.
export = serializableProvider("imageMemberAcceptance");
