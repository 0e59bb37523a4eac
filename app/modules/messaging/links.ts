/**
 * Where a click redirect may send a shopper. Only to the shop itself (its myshopify domain, its primary domain)
 * or to the checkout's exact recovery URL: a redirect endpoint that follows any signed URL becomes an open redirect
 * the day a signing key leaks or a template is abused, and phishers love a trusted domain that forwards anywhere.
 */

export interface RedirectPolicy {
  /** Host names the shop owns (lowercase, no port). */
  hosts: string[];
  /** The checkout's recovery URL, allowed exactly even when it lives on another host. */
  recoveryUrl?: string | null;
}

/** Host name of a stored domain, which may be a bare host ("example.com") or a URL ("https://example.com/"). */
export function hostOf(domain: string | null | undefined): string | null {
  if (!domain) return null;
  const trimmed = domain.trim();
  if (!trimmed) return null;
  try {
    return new URL(trimmed.includes("://") ? trimmed : `https://${trimmed}`).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return null;
  }
}

/** The hosts a shop owns, for the redirect policy. */
export function shopHosts(shop: { shop: string; primaryDomain?: string | null }): string[] {
  return [hostOf(shop.shop), hostOf(shop.primaryDomain)].filter((host): host is string => Boolean(host));
}

function parseWebUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    // "https://shop.myshopify.com@evil.example/" parses to host evil.example; refuse userinfo outright anyway.
    if (url.username || url.password) return null;
    return url;
  } catch {
    return null;
  }
}

export function isAllowedRedirect(target: string, policy: RedirectPolicy): boolean {
  const url = parseWebUrl(target);
  if (!url) return false;
  if (policy.recoveryUrl) {
    const recovery = parseWebUrl(policy.recoveryUrl);
    if (recovery && recovery.href === url.href) return true;
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  return policy.hosts.some((allowed) => allowed.toLowerCase() === host);
}
