/** The provider's configuration is missing something or contradicts itself. */
export class ConfigurationError extends Error {
  /** Always `ConfigurationError`. */
  override name = "ConfigurationError";
}
