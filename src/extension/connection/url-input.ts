// What the Set Database URL box shows under the typed text. The box itself masks every character
// (`password: true`: the URL is typed with a password in it, often while screen-sharing), so the
// message below it shows the same URL with only the password masked: a typo in the user, host, port
// or database is visible before the URL is stored. No vscode import: unit-tested as plain functions.

export const PASSWORD_MASK = '****';

/**
 * `text` with the password masked and everything else as typed: the userinfo's password, cut at
 * the LAST `@` (an unencoded `@`, `/` or `?` in a password then stays masked: over-masking never
 * leaks), and every `password=` query parameter.
 */
export function maskUrlPassword(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (!scheme) return text.replace(/(password\s*=\s*)[^&\s]*/gi, `$1${PASSWORD_MASK}`);
  const rest = text.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  let userinfo = '';
  let hostAndRest = rest;
  if (at >= 0) {
    const info = rest.slice(0, at);
    const colon = info.indexOf(':');
    userinfo = `${colon >= 0 ? `${info.slice(0, colon)}:${PASSWORD_MASK}` : info}@`;
    hostAndRest = rest.slice(at + 1);
  }
  const q = hostAndRest.indexOf('?');
  const masked = q < 0 ? hostAndRest
    : hostAndRest.slice(0, q) + hostAndRest.slice(q).replace(/([?&]password=)[^&#]*/gi, `$1${PASSWORD_MASK}`);
  return `${scheme[0]}${userinfo}${masked}`;
}

export interface UrlFeedback {
  severity: 'info' | 'error';
  message: string;
}

/** The message under the box: the parse error, or the URL to be stored with its password masked and what it names. */
export function urlInputFeedback(
  text: string,
  parse: (url: string) => { host: string; port: number; database: string; user: string },
): UrlFeedback {
  const url = text.trim();
  if (!url) return { severity: 'error', message: 'Enter a URL' };
  let target;
  try {
    target = parse(url);
  } catch (err) {
    return { severity: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  return {
    severity: 'info',
    message: `${maskUrlPassword(url)} — user ${target.user}, host ${target.host}, port ${target.port}, database ${target.database}`,
  };
}
