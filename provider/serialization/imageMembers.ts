import { serializableProvider } from "./standIn";

// This module's exports *are* the provider Pulumi serializes. For an installed package,
// Pulumi then records `require("pulumi-image-members/serialized/imageMembers")` in state instead
// of copying code, which keeps the resource's state small.
export = serializableProvider("imageMembers");
