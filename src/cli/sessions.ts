import { SessionService } from '../core/sessions/service.js';
import { settingsFromEnv } from '../core/sessions/settings.js';

/** The CLI's sessions engine: settings from BERTH_* variables, the API key from the environment. */
export function cliSessionService(env: NodeJS.ProcessEnv = process.env): SessionService {
  return new SessionService({
    settings: () => settingsFromEnv(env),
    secrets: (): Record<string, string> => (env.ANTHROPIC_API_KEY ? { ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY } : {}),
    poolWorkspace: () => process.cwd(),
  });
}
