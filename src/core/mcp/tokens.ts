import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { BerthError, describeError } from '../errors.js';
import { stateDir } from '../sessions/audit.js';
import { printable } from '../text.js';
import { DEFAULT_SCOPES, SCOPES, type Scope } from './scopes.js';

const tokenSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a name of letters, digits, ".", "_" and "-", at most 64 characters'),
  secret: z.string().min(32),
  scopes: z.array(z.enum(SCOPES)),
  created: z.string(),
});
export type McpToken = z.infer<typeof tokenSchema>;

const fileSchema = z.object({ version: z.literal(1), tokens: z.array(tokenSchema) });

/**
 * Where a face keeps its tokens: a file for the CLI, SecretStorage for the extension. A store that
 * has never been written answers with `initialTokens()`, so that the first use has a token to hand
 * out; a store whose tokens were all revoked answers with none.
 */
export interface TokenStore {
  list(): Promise<McpToken[]>;
  save(tokens: McpToken[]): Promise<void>;
}

export const DEFAULT_TOKEN_NAME = 'default';

/** 256 random bits, base64url: what a client sends as `Authorization: Bearer ...`. */
export function newTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function initialTokens(): McpToken[] {
  return [{ name: DEFAULT_TOKEN_NAME, secret: newTokenSecret(), scopes: [...DEFAULT_SCOPES], created: new Date().toISOString() }];
}

export const defaultTokenPath = (env: NodeJS.ProcessEnv = process.env) => join(stateDir(env), 'mcp-tokens.json');

/** The tokens in a 0600 JSON file in the user's state folder, made with the default token on first use. */
export class FileTokenStore implements TokenStore {
  /**
   * The tokens last read, with the file's identity then: every request is authenticated against
   * the file (another process may rotate or revoke), and a stat is what tells whether it changed.
   */
  private cache: { identity: string; tokens: McpToken[] } | undefined;

  constructor(readonly path: string = defaultTokenPath()) {}

  async list(): Promise<McpToken[]> {
    let identity: string;
    let text: string;
    try {
      identity = fileIdentity(await stat(this.path));
      if (this.cache?.identity === identity) return this.cache.tokens;
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw this.unreadable(error);
      const tokens = initialTokens();
      await this.save(tokens);
      return tokens;
    }
    const parsed = fileSchema.safeParse(safeJson(text));
    if (!parsed.success) throw this.unreadable(new Error(z.prettifyError(parsed.error).replace(/\n/g, ' ')));
    this.cache = { identity, tokens: parsed.data.tokens };
    return parsed.data.tokens;
  }

  async save(tokens: McpToken[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    // Written beside and renamed over, so that a reader never sees half a file; 0600 because the
    // secrets are the keys to the sessions.
    const temporary = `${this.path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
  }

  private unreadable(error: unknown): BerthError {
    return new BerthError(
      `The MCP token file ${printable(this.path)} could not be read: ${describeError(error).message}`,
      'Fix it, or delete it: a new default token is made when the file is missing.',
      'SETTING_INVALID',
    );
  }
}

/** Saves rename a new file over the old, so a change always shows in the inode, size or time. */
const fileIdentity = (stats: { ino: number; size: number; mtimeMs: number; ctimeMs: number }) => `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The token whose secret was presented, or undefined. Every token is compared, each in constant
 * time over equal-length digests, so the answer's timing tells nothing about any secret.
 */
export function authenticate(tokens: readonly McpToken[], presented: string): McpToken | undefined {
  const given = digest(presented);
  let found: McpToken | undefined;
  for (const token of tokens) if (timingSafeEqual(given, digest(token.secret)) && !found) found = token;
  return found;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** A token for one client, with the scopes the person chose. */
export async function createToken(store: TokenStore, name: string, scopes: readonly Scope[]): Promise<McpToken> {
  const tokens = await store.list();
  if (tokens.some((token) => token.name === name)) {
    throw new BerthError(`There is already an MCP token named "${printable(name)}".`, 'Choose another name, or rotate that token.', 'INPUT_INVALID');
  }
  const token = tokenSchema.safeParse({ name, secret: newTokenSecret(), scopes: [...new Set(scopes)], created: new Date().toISOString() });
  if (!token.success) throw new BerthError(`"${printable(name)}" cannot name an MCP token: ${z.prettifyError(token.error).replace(/\n/g, ' ')}`, undefined, 'INPUT_INVALID');
  await store.save([...tokens, token.data]);
  return token.data;
}

/** A new secret for a token, same name and scopes: the old secret stops working at once. */
export async function rotateToken(store: TokenStore, name: string): Promise<McpToken> {
  const tokens = await store.list();
  const old = tokens.find((token) => token.name === name);
  if (!old) throw noSuchToken(name, tokens);
  const rotated = { ...old, secret: newTokenSecret(), created: new Date().toISOString() };
  await store.save(tokens.map((token) => (token === old ? rotated : token)));
  return rotated;
}

export async function revokeToken(store: TokenStore, name: string): Promise<void> {
  const tokens = await store.list();
  if (!tokens.some((token) => token.name === name)) throw noSuchToken(name, tokens);
  await store.save(tokens.filter((token) => token.name !== name));
}

function noSuchToken(name: string, tokens: readonly McpToken[]): BerthError {
  const names = tokens.map((token) => token.name).join(', ');
  return new BerthError(`There is no MCP token named "${printable(name)}".`, names ? `The tokens are: ${names}.` : 'There are no tokens; create one.', 'INPUT_INVALID');
}
