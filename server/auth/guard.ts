import type { MiddlewareHandler } from 'hono';
import type { Action } from '../../shared/schemas/permissions.ts';
import { AppError } from '../errors.ts';
import { type AppEnv, reverify, type SessionDeps } from './session.ts';

/**
 * Before anything that writes or decides what is written: ConnectWise confirms the member and
 * her role again right now, and the role must allow `action`. Without an action, only the
 * confirmation (for work whose kind depends on the role, like "Sync now").
 */
export function mayWrite(deps: SessionDeps, action?: Action): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get('auth');
    if (!auth.confirmedNow) await reverify(deps, auth);
    if (action && !auth.permissions.allowed[action])
      throw new AppError(
        'forbidden',
        auth.permissions.reasons[action] ?? `Your ConnectWise security role does not allow this.`,
        { reason: 'role', action, role: auth.permissions.role },
      );
    await next();
  };
}
