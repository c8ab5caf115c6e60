import { z } from 'zod/mini';
import { eventMessage, frameIdMessage, type HostEventName, type HostedRequest, responseMessage } from './protocol.ts';

export type EventResult = { ok: true } | { ok: false; errors: string[] };
export type EventHandler = (data: unknown) => EventResult | Promise<EventResult>;

export interface BridgeOptions {
  win: Window;
  /** Manage origins this deployment accepts; the first one that speaks is pinned. */
  allowedOrigins: readonly string[];
  /** Development builds say why a message was ignored. */
  dev?: boolean;
  handshakeTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export class BridgeError extends Error {}

/**
 * Manage's Hosted API postMessage protocol, pod side: `ready` → `MessageFrameID` →
 * `hosted_request`s carrying `frameID`, answers keyed by the lower-cased request name, and
 * `onLoad`/`beforeSave`/`beforeBack` events, each acknowledged with a `result`.
 * Only the parent window, from an allowed origin, is heard; after the first such message its
 * origin is pinned and everything else is ignored.
 */
export function createHostBridge(options: BridgeOptions) {
  const { win } = options;
  const framed = win.parent !== win;
  let pinned: string | undefined;
  let frameId: string | undefined;
  let onFrameId: (() => void) | undefined;
  const waiting = new Map<string, ((data: unknown) => void)[]>();
  const handlers = new Map<HostEventName, EventHandler>();
  const ignore = (why: string, e: MessageEvent) => {
    if (options.dev) console.warn(`[host bridge] ignored a message from ${e.origin || 'an unknown origin'}: ${why}`);
  };

  const send = (message: Record<string, unknown>) => win.parent.postMessage(JSON.stringify(message), pinned ?? '*');

  win.addEventListener('message', (e: MessageEvent) => {
    if (e.source !== win.parent) return ignore('not from the host window', e);
    if (!options.allowedOrigins.includes(e.origin)) return ignore('origin is not an allowed ConnectWise origin', e);
    if (pinned && e.origin !== pinned) return ignore(`origin differs from the pinned ${pinned}`, e);
    if (typeof e.data !== 'string') return ignore('not a JSON string', e);
    let raw: unknown;
    try {
      raw = JSON.parse(e.data);
    } catch {
      return ignore('not valid JSON', e);
    }
    const frame = z.safeParse(frameIdMessage, raw);
    if (frame.success) {
      pinned = e.origin;
      frameId = String(frame.data.MessageFrameID);
      onFrameId?.();
      return;
    }
    const response = z.safeParse(responseMessage, raw);
    if (response.success) {
      const queue = waiting.get(response.data.response);
      queue?.shift()?.(response.data.data);
      return;
    }
    const event = z.safeParse(eventMessage, raw);
    if (event.success) {
      pinned ??= e.origin;
      void acknowledge(event.data.event, event.data._id, event.data.data);
      return;
    }
    ignore('not a Hosted API message', e);
  });

  async function acknowledge(event: HostEventName, id: string | number, data: unknown) {
    let result: EventResult;
    try {
      result = (await handlers.get(event)?.(data)) ?? { ok: true };
    } catch (error) {
      result = { ok: false, errors: [(error as Error).message] };
    }
    // An unacknowledged beforeSave would block the member's save in Manage.
    send(
      result.ok
        ? { event, _id: id, result: 'success', frameID: frameId }
        : { event, _id: id, result: 'failure', errors: result.errors, frameID: frameId },
    );
  }

  return {
    framed,
    get origin() {
      return pinned;
    },
    on(event: HostEventName, handler: EventHandler) {
      handlers.set(event, handler);
    },
    /** Says `ready` and waits for the host to name this frame. */
    connect(): Promise<void> {
      if (!framed) return Promise.reject(new BridgeError('not inside ConnectWise'));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new BridgeError('ConnectWise did not answer')),
          options.handshakeTimeoutMs ?? 5000,
        );
        onFrameId = () => {
          clearTimeout(timer);
          onFrameId = undefined;
          resolve();
        };
        if (frameId) onFrameId();
        else send({ message: 'ready' });
      });
    },
    /**
     * Asks Manage for something. With a schema, the answer is checked before anyone uses it: a
     * malformed answer is refused, naming what is wrong, never handed on as if it were right.
     */
    request<T = unknown>(name: HostedRequest, args?: Record<string, unknown>, schema?: z.ZodMiniType<T>): Promise<T> {
      if (!frameId) return Promise.reject(new BridgeError('not connected to ConnectWise'));
      return new Promise<T>((resolve, reject) => {
        const key = name.toLowerCase();
        const timer = setTimeout(() => {
          const queue = waiting.get(key);
          if (queue) queue.splice(queue.indexOf(done), 1);
          reject(new BridgeError(`ConnectWise did not answer ${name}`));
        }, options.requestTimeoutMs ?? 5000);
        const done = (data: unknown) => {
          clearTimeout(timer);
          if (!schema) return resolve(data as T);
          const parsed = z.safeParse(schema, data);
          if (parsed.success) resolve(parsed.data);
          else
            reject(
              new BridgeError(
                `ConnectWise answered ${name} in a form this page cannot read: ` +
                  `${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
              ),
            );
        };
        waiting.set(key, [...(waiting.get(key) ?? []), done]);
        send(args ? { hosted_request: name, frameID: frameId, args } : { hosted_request: name, frameID: frameId });
      });
    },
  };
}

export type HostBridge = ReturnType<typeof createHostBridge>;
