/** `connectwise`, or a distributor's kind (`pax8`, `ion`, …). */
export type Vendor = string;

/** How a vendor is named to people when its error does not say. */
const NAMES: Record<string, string> = { connectwise: 'ConnectWise' };

/** Stable codes callers branch on; messages are for people. */
export type VendorErrorCode =
  | 'validation'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'server'
  | 'network'
  /** A write was sent and no answer came back (timeout, reset, 5xx): it may have been applied. */
  | 'unknown_outcome'
  /** The vendor answered 2xx with a body we could not read. */
  | 'bad_response';

export interface VendorFieldError {
  field: string;
  message: string;
  code?: string;
}

export interface VendorErrorInit {
  vendor: Vendor;
  /** The vendor's name as people know it (`StreamOne Ion`); defaults to its kind. */
  vendorName?: string;
  code: VendorErrorCode;
  message: string;
  status?: number;
  method: string;
  path: string;
  fields?: VendorFieldError[];
  vendorCode?: string;
  retryAfterMs?: number;
  /**
   * What the member must change, in her words, where the refusal comes from her setup (a
   * report to choose, a column to add) rather than from the vendor: shown as it is.
   */
  fix?: string;
}

export class VendorError extends Error {
  readonly vendor: Vendor;
  readonly vendorName: string;
  readonly code: VendorErrorCode;
  readonly status: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly fields: VendorFieldError[];
  readonly vendorCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly fix: string | undefined;

  constructor(init: VendorErrorInit) {
    super(init.message);
    this.name = 'VendorError';
    this.vendor = init.vendor;
    this.vendorName = init.vendorName ?? NAMES[init.vendor] ?? init.vendor;
    this.code = init.code;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.fields = init.fields ?? [];
    this.vendorCode = init.vendorCode;
    this.retryAfterMs = init.retryAfterMs;
    this.fix = init.fix;
  }

  /** Whether the same call could succeed later without anyone changing anything. */
  get retryable(): boolean {
    return ['rate_limited', 'server', 'network'].includes(this.code);
  }
}

export function codeForStatus(status: number): VendorErrorCode {
  if (status === 400 || status === 422) return 'validation';
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  return 'server';
}
