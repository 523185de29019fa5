import { BerthError } from '../../errors.js';

interface EngineError {
  statusCode?: number;
  code?: string;
  reason?: string;
  json?: { message?: string } | null;
  message?: string;
}

/** The engine's own sentence, without dockerode's "(HTTP code 404) no such container -" prefix. */
export function engineMessage(error: unknown): string {
  const e = (error ?? {}) as EngineError;
  const text = e.json?.message ?? e.message ?? String(error);
  return text.replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
}

const statusOf = (error: unknown) => (error as EngineError | undefined)?.statusCode;

export const isNotFound = (error: unknown) => statusOf(error) === 404;
export const isNotModified = (error: unknown) => statusOf(error) === 304;
export const isConflict = (error: unknown) => statusOf(error) === 409;

/** Turns what the engine said about a failed start into what the user can do about it. */
export function startError(error: unknown, spec: { image: string; network: string; workspace: string }): BerthError {
  if (error instanceof BerthError) return error;
  const code = (error as EngineError | undefined)?.code;
  const message = engineMessage(error);
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES') {
    return new BerthError(`The Docker engine could not be reached (${code}).`, 'Start Docker, or check DOCKER_HOST and `berth doctor`.', 'ENGINE_DOWN');
  }
  if (/no such image/i.test(message) || (isNotFound(error) && /image/i.test(message))) {
    return new BerthError(`The image ${spec.image} is not on the engine.`, 'Build it with `berth image build`, pull it, or pass --image.', 'IMAGE_MISSING');
  }
  if (/network .* not found/i.test(message)) {
    return new BerthError(`The engine has no "${spec.network}" network.`, 'Pass --network none or --network host, or create the network.', 'NETWORK_MISSING');
  }
  if (/bind source path|invalid mount|mount/i.test(message)) {
    return new BerthError(`The workspace ${spec.workspace} could not be mounted: ${message}`, 'Check that the folder exists on the engine host.', 'WORKSPACE_MOUNT_FAILED');
  }
  // The engine refused the request itself (400): the options are at fault, not the engine.
  if (statusOf(error) === 400) return new BerthError(`The engine refused the session: ${message}`, 'Check the options you passed (berth session start --help).', 'START_REFUSED');
  return new BerthError(`The session could not start: ${message}`, 'Run `berth doctor` to check the engine.', 'START_FAILED');
}
