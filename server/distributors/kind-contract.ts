import type { z } from 'zod';
import type { RetryPolicy } from '../http/retry.ts';
import type { RequestEvent } from '../http/send.ts';
import type { ImportedLine, ImportedLineFilter } from './files/subscriptions.ts';
import type { Distributor } from './types.ts';

/** Credentials as stored: each kind's own fields, all text. */
export type Credentials = Record<string, string>;

/** One field of a kind's connection form: how it is labelled, and whether it is a secret. */
export interface CredentialField {
  name: string;
  /** As it reads after the distributor's name: "client id", "API URL". */
  label: string;
  /** Secrets are shown as their last four characters, never whole. */
  secret: boolean;
  /** Has a default; the form leaves it out unless a person changes it. */
  optional?: boolean;
  help?: string;
}

/** How a distributor's client talks: tests and benchmarks count and speed up its calls. */
export interface DistributorIo {
  fetch?: typeof fetch;
  /** The distributor's own hosts: error text from any other is not shown (see `send`). */
  ownHosts?: RegExp;
  retry?: RetryPolicy;
  timeoutMs?: number;
  concurrency?: number;
  onRequest?: (event: RequestEvent) => void;
  now?: () => number;
}

/** Where a connection's credentials live, for a distributor that rotates them on use. */
export interface CredentialStore {
  read(): Promise<Credentials>;
  /**
   * Stores `next(stored)` only if the stored credentials still pass `stillCurrent`; false
   * otherwise. `next` starts from what is stored, so a setting saved meanwhile is kept.
   */
  replace(stillCurrent: (stored: Credentials) => boolean, next: (stored: Credentials) => Credentials): Promise<boolean>;
  /**
   * Runs `fn` with the stored credentials locked against every other process (a row lock),
   * reading and replacing through the store it is given: one rotation at a time per tenant.
   */
  lock?<T>(fn: (store: CredentialStore) => Promise<T>): Promise<T>;
}

/** What the product keeps for one tenant's connection beyond its credentials. */
export interface ConnectionScope {
  tenantId: string;
  /** The key it is stored under (`connection-key.ts`): a file source's own, naming its lines and markers. */
  key: string;
  /**
   * The lines of the files imported into it, superseded files left out (a file source), read a
   * page at a time; only one customer's or one subscription's when asked, so a company tab or a
   * plan reads no more.
   */
  importedLines(only?: ImportedLineFilter): AsyncIterable<ImportedLine>;
}

/** What the core knows of a kind of distributor: its name, its connection form, and its client. */
export interface DistributorKind {
  kind: string;
  displayName: string;
  /** What the markers of the lines it writes start with: unique among the kinds. */
  markerPrefix: string;
  fields: CredentialField[];
  /** Entered credentials, checked, with defaults filled in; each message names the fix. */
  credentials: z.ZodType<Credentials, Record<string, unknown>>;
  /** The fields that hold URLs: https unless they point at a loopback sandbox. */
  urlFields: string[];
  /** Checking the credentials spends them (a single-use refresh token): check them last. */
  singleUse: boolean;
  /** Its invoices are read from a report the admin chooses on the Connections page (StreamOne Ion). */
  invoicesFromReport?: boolean;
  /**
   * Contexts its credentials were sealed with by earlier releases, tried after the current one
   * (Pax8's, moved from the tenant row), until an admin next enters them.
   */
  legacySealContexts?: readonly string[];
  /**
   * The top-level field earlier releases took its credentials in (`pax8` beside `distributors`),
   * still read by tenant setup and rotation.
   */
  legacyInputKey?: string;
  /**
   * A source without an API: its data is the files imported into it, and its connection
   * form holds a name and a profile, no credentials to check.
   */
  imports?: boolean;
  /**
   * Connected once per source, each under its own key (`files:microsoft-direct`): the field
   * that names the source. Without it, a tenant connects the kind once.
   */
  sourceField?: string;
  open(credentials: Credentials, store: CredentialStore, io: DistributorIo, scope?: ConnectionScope): Distributor;
}
