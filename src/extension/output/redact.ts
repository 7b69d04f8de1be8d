// Last line of defence for the "a password never reaches the output" rule: every line the extension
// writes passes through here. The engine already masks URLs; this also catches a password that a
// server error or an Alembic script echoes back verbatim.

const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@\s]*)@/gi;
const KEYWORD_PASSWORD = /\b(password|passwd|pwd)(\s*=\s*)('[^']*'|"[^"]*"|[^\s;&]+)/gi;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret (a password, a whole URL) so that it is masked wherever it appears. */
  add(secret: string | undefined): void {
    // Very short strings would mask ordinary words; a password of 1-3 characters is masked by the patterns only.
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('****');
    return redactPatterns(out);
  }
}

export function redactPatterns(text: string): string {
  return text
    .replace(URL_PASSWORD, (_m, head: string, pw: string) => (pw ? `${head}****@` : `${head}@`))
    .replace(KEYWORD_PASSWORD, (_m, key: string, eq: string) => `${key}${eq}****`);
}
