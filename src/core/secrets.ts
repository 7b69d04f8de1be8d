// The printable forms of a database password, for the output filters of both front ends.

/**
 * Every form in which the password of `url` (or of the environment libpq reads) could be printed.
 * The CLI and the extension pass all output through a filter that replaces these, so even a message
 * the engine did not build from a masked target (a server error echoing it) cannot leak the secret.
 */
export function secretFormsOf(url: string | undefined, env: NodeJS.ProcessEnv = {}): string[] {
  const secrets = new Set<string>();
  const add = (value: string | null | undefined) => {
    if (!value || value.length < 2) return;
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // not percent-encoded; the raw form is enough
    }
    for (const form of [value, decoded]) {
      secrets.add(form);
      secrets.add(encodeURIComponent(form));
      secrets.add(JSON.stringify(form).slice(1, -1));
    }
  };
  if (url) {
    try {
      const parsed = new URL(url);
      add(parsed.password);
      add(parsed.searchParams.get('password'));
    } catch {
      // Not a URL (a libpq keyword string); the regex below still finds `password=...`.
    }
    for (const match of url.matchAll(/password\s*=\s*('([^']*)'|[^\s&]+)/gi)) add(match[2] ?? match[1]);
    // An unparseable URL may still carry `user:secret@`.
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@/]*)@/i.exec(url);
    if (userinfo) add(userinfo[1]);
  }
  add(env.PGPASSWORD);
  return [...secrets].sort((a, b) => b.length - a.length);
}
