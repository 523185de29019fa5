import { isIP } from 'node:net';
import { BerthError } from '../../errors.js';

/**
 * Which hosts an egress session may reach: exact names and `*.suffix` patterns, each with the
 * ports it may use (443 and 80 unless the entry names one: `host:8443`). Names only: an address
 * on the list would let an agent reach whatever answers there.
 */
export interface AllowEntry {
  /** Lower case; a leading `*.` matches any name that ends with the rest (not the rest itself). */
  pattern: string;
  ports: readonly number[];
}

export const DEFAULT_PORTS = [443, 80] as const;
/** The Anthropic API: what an agent session needs and, by default, all it gets. */
export const DEFAULT_ALLOW = ['api.anthropic.com'];

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseAllowEntry(text: string): AllowEntry {
  const trimmed = text.trim().toLowerCase();
  const colon = trimmed.lastIndexOf(':');
  const host = colon > 0 ? trimmed.slice(0, colon) : trimmed;
  const port = colon > 0 ? Number(trimmed.slice(colon + 1)) : undefined;
  const name = host.startsWith('*.') ? host.slice(2) : host;
  const invalid = (why: string) => new BerthError(`"${text}" cannot be allowed: ${why}.`, 'Give a host name such as api.anthropic.com, *.githubusercontent.com or registry.npmjs.org:443.', 'INPUT_INVALID');
  if (isIP(name) || isIP(host.replace(/^\[|\]$/g, ''))) throw invalid('an address is not a name; allow the name that serves it');
  if (!name.includes('.') || !name.split('.').every((label) => LABEL.test(label))) throw invalid('it is not a host name');
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw invalid('the port must be 1 to 65535');
  return { pattern: host, ports: port === undefined ? [...DEFAULT_PORTS] : [port] };
}

export function parseAllowList(texts: readonly string[]): AllowEntry[] {
  return texts.map(parseAllowEntry);
}

/** Whether `host:port` is on the list; `host` as the client named it (CONNECT line or URL). */
export function isAllowed(list: readonly AllowEntry[], host: string, port: number): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return list.some((entry) => {
    if (!entry.ports.includes(port)) return false;
    if (entry.pattern.startsWith('*.')) return name.endsWith(entry.pattern.slice(1));
    return name === entry.pattern;
  });
}

/** Entries as text again, for labels, records and messages. */
export const formatAllowEntry = (entry: AllowEntry) => (entry.ports.length === 1 ? `${entry.pattern}:${entry.ports[0]}` : entry.pattern);
