import { OutboundRefused } from './outbound.ts';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy, retryAfterMs, sleep } from './retry.ts';
import { isTimeout, wasNeverSent } from './timeout.ts';
import { type Vendor, VendorError } from './vendor-error.ts';

export interface RequestEvent {
  vendor: Vendor;
  method: string;
  url: string;
  attempt: number;
  status?: number;
  error?: string;
}

export interface SendOptions {
  vendor: Vendor;
  vendorName?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  /** Reads the vendor's error body into a VendorError. */
  toError: (response: Response, text: string) => VendorError;
  onRequest?: (event: RequestEvent) => void;
  /** Awaited before every attempt; the scheduled job paces requests under a per-minute budget with it. */
  beforeAttempt?: () => Promise<void>;
  random?: () => number;
  /** A POST that only reads (StreamOne Ion's report data): retried as a read is. */
  readOnly?: boolean;
  /**
   * The vendor's own hosts: an error's text from any other host (a URL a member typed) is
   * replaced by a fixed message, so nothing another server says is echoed back or stored.
   */
  ownHosts?: RegExp;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * One HTTP call with the retry rules both vendors share:
 * - 429 means "not applied": wait `Retry-After` (or back off) and try again, writes included;
 * - reads that fail with 5xx or on the network back off exponentially with jitter;
 * - a write that was sent and got no answer, or got a 5xx, may have been applied, so it is
 *   never retried: it surfaces as `unknown_outcome` and the caller re-reads.
 * All waiting stays inside the policy's attempt count and time budget.
 */
export async function send(options: SendOptions): Promise<Response> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const doFetch = options.fetch ?? fetch;
  const isRead = READ_METHODS.has(options.method) || options.readOnly === true;
  const path = new URL(options.url).pathname;
  const fail = (init: Omit<ConstructorParameters<typeof VendorError>[0], 'vendor' | 'method' | 'path'>) =>
    new VendorError({ vendor: options.vendor, vendorName: options.vendorName, method: options.method, path, ...init });
  let waited = 0;
  /** Waits before the next attempt, or throws `error` once attempts or the time budget run out. */
  const waitOrThrow = async (attempt: number, error: VendorError, hintedMs?: number) => {
    const delay = hintedMs ?? backoffDelay(policy, attempt, options.random);
    if (attempt >= policy.maxAttempts || waited + delay > policy.budgetMs) throw error;
    waited += delay;
    await sleep(delay);
  };

  for (let attempt = 1; ; attempt++) {
    await options.beforeAttempt?.();
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: options.method,
        headers: options.headers,
        body: options.body,
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      if (error instanceof OutboundRefused)
        throw fail({
          code: 'network',
          message: `${options.vendorName ?? options.vendor} was not called: ${error.message}.`,
        });
      const reason = isTimeout(error) ? `no answer within ${options.timeoutMs} ms` : (error as Error).message;
      options.onRequest?.({ vendor: options.vendor, method: options.method, url: options.url, attempt, error: reason });
      if (!isRead && !wasNeverSent(error)) {
        throw fail({
          code: 'unknown_outcome',
          message: `${options.method} ${path} was sent but ${reason}; it may have been applied. Re-read before trying again.`,
        });
      }
      await waitOrThrow(
        attempt,
        fail({ code: 'network', message: `${options.vendorName ?? options.vendor} could not be reached (${reason}).` }),
      );
      continue;
    }

    options.onRequest?.({
      vendor: options.vendor,
      method: options.method,
      url: options.url,
      attempt,
      status: response.status,
    });
    if (response.ok) return response;
    // A redirect is not followed: the request (and its credentials) goes only where it was sent.
    if (response.status >= 300 && response.status < 400)
      throw fail({
        code: 'network',
        status: response.status,
        message: `${options.vendorName ?? options.vendor} answered with a redirect (HTTP ${response.status}), which is not followed. Check the URL.`,
      });

    const error = ownText(options, options.toError(response, await response.text()), response.status, fail);
    if (response.status === 429) {
      await waitOrThrow(attempt, error, retryAfterMs(response.headers.get('retry-after')));
    } else if (response.status >= 500 && isRead) {
      await waitOrThrow(attempt, error);
    } else if (response.status >= 500) {
      throw fail({
        code: 'unknown_outcome',
        status: response.status,
        vendorCode: error.vendorCode,
        message: `${options.method} ${path} answered ${response.status} (${error.message}); it may have been applied. Re-read before trying again.`,
      });
    } else {
      throw error;
    }
  }
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** The vendor's error, or a fixed message where the answer came from a host that is not the vendor's. */
function ownText(
  options: SendOptions,
  error: VendorError,
  status: number,
  fail: (init: Omit<ConstructorParameters<typeof VendorError>[0], 'vendor' | 'method' | 'path'>) => VendorError,
): VendorError {
  const host = new URL(options.url).hostname;
  // Loopback is reached only in sandbox mode: outside it, such a URL is refused before sending.
  if (!options.ownHosts || options.ownHosts.test(host) || LOOPBACK_HOST.test(host)) return error;
  const name = options.vendorName ?? options.vendor;
  return fail({
    code: error.code,
    status,
    retryAfterMs: error.retryAfterMs,
    message: `${host} answered HTTP ${status}; what it said is not shown, as ${host} is not one of ${name}'s own addresses`,
  });
}
