import { z } from 'zod';
import { sourceKey, sourceSlug } from '../connection-key.ts';
import type { DistributorKind } from '../kind-contract.ts';
import { createFileSource, FILE_MARKER_PREFIX, FILE_SOURCE_KIND } from './adapter.ts';

/**
 * A source without an API: the distributor whose monthly invoice or usage files the MSP imports
 * (Microsoft direct, Ingram Micro, Sherweb, …). Its connection is the name people know it by
 * and the column profile its files are read with; nothing in it is a secret.
 */
export const filesKind: DistributorKind = {
  kind: FILE_SOURCE_KIND,
  displayName: 'Invoice files',
  markerPrefix: FILE_MARKER_PREFIX,
  fields: [
    {
      name: 'sourceName',
      label: 'source name',
      secret: false,
      help: 'Who the files come from, as your team says it: Microsoft direct, Ingram Micro, …',
    },
    {
      name: 'profile',
      label: 'column profile',
      secret: false,
      help: 'microsoft (Partner Center reconciliation file), generic, or a profile made on the Imports page.',
    },
  ],
  credentials: z.object({
    sourceName: z
      .string({ error: 'name the source the files come from (Microsoft direct, Ingram Micro, …)' })
      .trim()
      .min(1, 'name the source the files come from (Microsoft direct, Ingram Micro, …)')
      .refine((name) => sourceSlug(name) !== '', 'use letters or digits in the name'),
    profile: z
      .string({ error: 'choose the column profile its files are read with' })
      .trim()
      .toLowerCase()
      .min(1, 'choose the column profile its files are read with'),
  }),
  urlFields: [],
  singleUse: false,
  imports: true,
  // A tenant may buy from several sources without an API: each is its own connection.
  sourceField: 'sourceName',
  // Checked before it is stored (no tenant yet), a source has no files: nothing to read.
  open: (c, _store, _io, scope) =>
    createFileSource(c.sourceName!, scope?.key ?? sourceKey(FILE_SOURCE_KIND, c.sourceName!), (only) =>
      scope ? scope.importedLines(only) : [],
    ),
};
