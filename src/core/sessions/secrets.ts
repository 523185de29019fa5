/**
 * Secrets reach a container without being part of its configuration: `docker inspect` shows
 * Config.Env and Cmd to anyone with engine access, and logs are kept. So the session's main
 * process starts inside the entry script (entry.ts), which waits for a file on a tmpfs (memory, mode 0700,
 * owned by the session's user), sources it, deletes it and only then runs the agent. Berth
 * writes the file through an exec whose stdin carries the values: an exec records its argv,
 * never its stdin.
 */
export const SECRET_DIR = '/run/berth';
const SECRET_FILE = `${SECRET_DIR}/env`;

/** Writes stdin to the secret file atomically, readable by the session's user alone. */
export const WRITE_SECRETS_COMMAND = ['/bin/sh', '-c', `umask 077 && cat > ${SECRET_FILE}.tmp && mv ${SECRET_FILE}.tmp ${SECRET_FILE}`];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A shell file of `NAME='value'` lines; names are checked so that nothing but assignment can happen. */
export function secretsFile(secrets: Record<string, string>): string {
  return Object.entries(secrets)
    .map(([name, value]) => {
      if (!NAME.test(name)) throw new Error(`"${name}" is not a valid environment variable name`);
      return `${name}='${value.replace(/'/g, `'\\''`)}'\n`;
    })
    .join('');
}

/** Replaces every secret value in a text, so that an error or log line can be shown safely. */
export function redact(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join('***');
  return result;
}
