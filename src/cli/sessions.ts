import { SessionService } from '../core/sessions/service.js';
import { settingsFromEnv } from '../core/sessions/settings.js';

/** The CLI's sessions engine: settings from BERTH_* variables, the API key from the environment. */
export function cliSessionService(env: NodeJS.ProcessEnv = process.env): SessionService {
  return new SessionService({
    settings: () => settingsFromEnv(env),
    secrets: (): Record<string, string> => (env.ANTHROPIC_API_KEY ? { ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY } : {}),
    poolWorkspace: () => process.cwd(),
    // The door of an egress session is this CLI again, detached: the same executable and loader.
    door: { command: [process.execPath, ...process.execArgv, process.argv[1]!] },
  });
}
