import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const manifestSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  origin: z.string(),
  entries: z
    .array(
      z.object({
        type: z.enum(['Tab', 'Pod', 'ToolbarButton']),
        /** The Manage screen's name as `/system/connectWiseHostedScreens` lists it. */
        screen: z.string(),
        description: z.string().max(50, 'Manage limits the description to 50 characters'),
        /** `{origin}` and `{tenant}` are replaced at registration; `[cw_id]`/`[cw_screen]` by Manage. */
        url: z.string().max(1024),
        podHeight: z.number().int().positive().optional(),
      }),
    )
    .min(1),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const MANIFEST_PATH = new URL('../../manifest.json', import.meta.url);

export function readManifest(path: URL | string = MANIFEST_PATH): Manifest {
  return manifestSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
