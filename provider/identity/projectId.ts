/**
 * What every project id of Keystone, Huawei Cloud and Open Telekom Cloud looks like: Keystone
 * makes them as `uuid4().hex`, 32 lowercase hexadecimal characters. The one place this shape
 * is written: the provider's `check` (core/projectIdShape.ts), the review report
 * and the audit all read it from here.
 */
export const projectIdPattern = /^[0-9a-f]{32}$/;
