'use strict';
// ARM resource IDs as the estate model reads them: case-insensitive keys, the resource type an ID names, its
// parent, its subscription. ARM IDs are case-insensitive (learn.microsoft.com/azure/azure-resource-manager/
// management/resource-name-rules: "Resource and resource group names are case-insensitive").

/** The key an ID is stored under: lower case, no trailing slash. */
const keyOf = (id) => String(id).replace(/\/+$/, '').toLowerCase();

const isArmId = (v) => typeof v === 'string' && /^\/subscriptions\/[^/]+/i.test(v);

/** The subscription GUID an ID lives in (lower case). */
const subscriptionOf = (id) => /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase();

/** The resource type an ID names: `Microsoft.Network/virtualNetworks/subnets`, or the two built-in scopes. */
function typeOf(id) {
  const parts = String(id).replace(/^\/+|\/+$/g, '').split('/');
  const p = parts.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (p < 0) return parts.length <= 2 ? 'Microsoft.Resources/subscriptions' : 'Microsoft.Resources/resourceGroups';
  const rest = parts.slice(p + 1);
  const types = [rest[0]];
  for (let i = 1; i < rest.length; i += 2) types.push(rest[i]);
  return types.join('/');
}

/** The name (last segment) of an ID. */
const nameOf = (id) => String(id).replace(/\/+$/, '').split('/').pop();

/**
 * The parent of an ID: a child resource's parent resource (`.../virtualNetworks/v/subnets/s` -> the VNet), an
 * extension resource's scope (`<scope>/providers/Microsoft.Insights/diagnosticSettings/d` -> `<scope>`), a top-level
 * resource's resource group, a resource group's subscription.
 */
function parentOf(id) {
  const parts = String(id).replace(/\/+$/, '').split('/');
  const p = parts.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (p < 0) return parts.length > 3 ? parts.slice(0, 3).join('/') : null;
  const rest = parts.length - (p + 1);
  // <namespace>/<type>/<name> is top level under whatever precedes /providers; each further pair is a child.
  if (rest <= 3) return parts.slice(0, p).join('/') || null;
  return parts.slice(0, -2).join('/');
}

module.exports = { keyOf, isArmId, subscriptionOf, typeOf, nameOf, parentOf };
