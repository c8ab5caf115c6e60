import type { Context, MiddlewareHandler } from 'hono';
import { sleep } from '../http/retry.ts';

/**
 * Fault injection for one route (or all): added latency, a number of 429s with Retry-After,
 * a number of 500s, or "timeout after commit" — the write is applied and no answer ever comes.
 */
export interface FaultRule {
  method?: string;
  /** Regular expression matched against the request path. */
  path: string;
  latencyMs?: number;
  status429?: number;
  retryAfterSeconds?: number;
  status500?: number;
  /** Answers 503 this many times: the service says it did not take the request. */
  status503?: number;
  timeoutAfterCommit?: number;
  /** Refuses the request this many times with the vendor's validation error on `refuseField`. */
  refuse?: number;
  refuseField?: string;
  refuseMessage?: string;
}

export interface FaultConfig {
  /** Added to every request. */
  latencyMs: number;
  rules: FaultRule[];
}

export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  status: number;
  actor: string | null;
  fault: string | null;
}

export interface SandboxControl {
  faults: FaultConfig;
  /** Requests answered, oldest first (the rate-budget tests read it). */
  log: LoggedRequest[];
  /** Manage answers 429 past about 1000 requests a minute; `null` turns the limit off. */
  rateLimitPerMinute: number | null;
  now: () => number;
}

export function createControl(
  init: Partial<Pick<SandboxControl, 'faults' | 'rateLimitPerMinute'>> = {},
): SandboxControl {
  return {
    faults: init.faults ?? { latencyMs: 0, rules: [] },
    log: [],
    rateLimitPerMinute: init.rateLimitPerMinute === undefined ? null : init.rateLimitPerMinute,
    now: () => Date.now(),
  };
}

const MAX_LOG = 200_000;
/** How long a "timeout after commit" holds the connection; the client gives up long before. */
const HOLD_MS = 120_000;

/**
 * Runs before every vendor route: logs, paces by the emulated rate limit, and applies the
 * faults configured for the route. `tooMany` and `failed` render the vendor's own bodies.
 */
export function faultMiddleware(
  control: SandboxControl,
  /** `retryAfter`: seconds to name in `Retry-After`; undefined where the rule asks for none. */
  render: {
    tooMany: (c: Context, retryAfter: number | undefined) => Response;
    failed: (c: Context) => Response;
    refused?: (c: Context, field: string, message: string) => Response;
  },
  actorOf: (c: Context) => string | null = () => null,
): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path;
    const rules = control.faults.rules.filter(
      (r) => (!r.method || r.method.toUpperCase() === method) && new RegExp(r.path).test(path),
    );
    const record = (status: number, fault: string | null) => {
      control.log.push({ at: control.now(), method, path, status, actor: actorOf(c), fault });
      if (control.log.length > MAX_LOG) control.log.splice(0, control.log.length - MAX_LOG);
    };

    const latency = control.faults.latencyMs + rules.reduce((sum, r) => sum + (r.latencyMs ?? 0), 0);
    if (latency > 0) await sleep(latency);

    if (control.rateLimitPerMinute !== null) {
      const since = control.now() - 60_000;
      const recent = control.log.filter((e) => e.at > since && e.status !== 429);
      if (recent.length >= control.rateLimitPerMinute) {
        const retryAfter = Math.max(1, Math.ceil((recent[0]!.at + 60_000 - control.now()) / 1000));
        record(429, 'rate-limit');
        return render.tooMany(c, retryAfter);
      }
    }
    const r429 = rules.find((r) => (r.status429 ?? 0) > 0);
    if (r429) {
      r429.status429! -= 1;
      record(429, '429');
      return render.tooMany(c, r429.retryAfterSeconds);
    }
    const r500 = rules.find((r) => (r.status500 ?? 0) > 0);
    if (r500) {
      r500.status500! -= 1;
      record(500, '500');
      return render.failed(c);
    }
    const refusal = rules.find((r) => (r.refuse ?? 0) > 0);
    if (refusal) {
      refusal.refuse! -= 1;
      record(400, 'refuse');
      const field = refusal.refuseField ?? 'id';
      const message = refusal.refuseMessage ?? `${field} is invalid.`;
      return render.refused ? render.refused(c, field, message) : c.json({ message }, 400);
    }
    const r503 = rules.find((r) => (r.status503 ?? 0) > 0);
    if (r503) {
      r503.status503! -= 1;
      record(503, '503');
      return c.json({ message: 'Service unavailable' }, 503);
    }

    await next();
    const timeout =
      method !== 'GET' && c.res.status < 300 ? rules.find((r) => (r.timeoutAfterCommit ?? 0) > 0) : undefined;
    record(c.res.status, timeout ? 'timeout-after-commit' : null);
    if (timeout) {
      timeout.timeoutAfterCommit! -= 1;
      // The write above is applied; the answer is withheld until the client gives up.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, HOLD_MS);
        c.req.raw.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      c.res = new Response(null, { status: 504 });
    }
  };
}
