/**
 * The checks a request passes before anything else reads it. A web page the person opens can make
 * their browser send requests to 127.0.0.1 (with DNS rebinding, under a name of the attacker's),
 * so the Host must name this server by a loopback name and a browser's Origin must be a loopback
 * page of this server; the token keeps out everything else on the machine.
 */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host !== undefined && LOOPBACK_NAMES.some((name) => host.toLowerCase() === `${name}:${port}`);
}

export function isLoopbackOrigin(origin: string, port: number): boolean {
  return LOOPBACK_NAMES.some((name) => origin.toLowerCase() === `http://${name}:${port}`);
}

/** The token of an `Authorization: Bearer <token>` header; undefined for any other form. */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^Bearer +([A-Za-z0-9._~+/=-]+) *$/i)?.[1];
}
