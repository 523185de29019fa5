import type { SessionService } from '../sessions/service.js';
import type { SessionSettings } from '../sessions/settings.js';

/**
 * The same service (its engine, secrets and owner) seen with some settings changed, for a check
 * that must start one session relaxed (as root, say) without touching the person's settings.
 * The service keeps its dependencies to itself, so the view inherits them through the prototype;
 * a `SessionService.withSettings(overrides)` would say the same in one line.
 */
export function withSettings(service: SessionService, overrides: Partial<SessionSettings>): SessionService {
  const view = Object.create(service) as SessionService;
  view.settings = () => ({ ...service.settings(), ...overrides });
  return view;
}
