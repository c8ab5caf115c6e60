import { signal } from '@preact/signals';
import { type Answer, ApiError, api, read } from '../api.ts';
import { fail } from './session.ts';

export type Imports = Answer<typeof api.imports.$get>;
export type ImportPreview = Answer<typeof api.imports.preview.$post>;
export type Profiles = Answer<(typeof api)['import-profiles']['$get']>;
export type ProfileTry = Answer<(typeof api)['import-profiles']['try']['$post']>;

/** The Imports page: the source and its files, the preview waiting for a decision, what the last action said. */
export const imports = signal<Imports | null>(null);
export const importsError = signal<string | null>(null);
export const preview = signal<ImportPreview | null>(null);
export const importBusy = signal<'upload' | 'confirm' | 'discard' | null>(null);
export const importSaid = signal<{ tone: 'ok' | 'error'; text: string } | null>(null);
/** The file source files go to, by key, when the tenant has several; the first one otherwise. */
export const importSource = signal<string | null>(null);

const failed = (e: unknown) => {
  if (e instanceof ApiError && e.needsReload) return fail(e);
  importSaid.value = { tone: 'error', text: (e as Error).message };
};

export async function loadImports() {
  try {
    imports.value = await read(api.imports.$get());
    importsError.value = null;
  } catch (e) {
    if (e instanceof ApiError && e.needsReload) return fail(e);
    importsError.value = (e as Error).message;
  }
}

async function busyWith(action: NonNullable<typeof importBusy.value>, work: () => Promise<void>) {
  importBusy.value = action;
  importSaid.value = null;
  try {
    await work();
  } catch (e) {
    failed(e);
  } finally {
    importBusy.value = null;
    await loadImports();
  }
}

/** Uploads a file for its preview: nothing is imported until the member confirms it. */
export const uploadFile = (file: File, source: string, profile?: string) =>
  busyWith('upload', async () => {
    preview.value = null;
    preview.value = await read(
      api.imports.preview.$post(
        { query: { fileName: file.name, source, ...(profile ? { profile } : {}) } },
        { init: { body: file } },
      ),
    );
  });

export const confirmImport = (id: string) =>
  busyWith('confirm', async () => {
    const done = await read(api.imports[':id'].confirm.$post({ param: { id } }));
    importSaid.value = {
      tone: 'ok',
      text:
        `Imported ${preview.value?.fileName ?? 'the file'}` +
        `${done.supersedes.length > 0 ? ', replacing the file it corrects' : ''}. ` +
        'Its customers and products are ready to bind.',
    };
    preview.value = null;
  });

export const discardImport = (id: string) =>
  busyWith('discard', async () => {
    await read(api.imports[':id'].discard.$post({ param: { id } }));
    importSaid.value = { tone: 'ok', text: 'The preview was discarded; nothing was imported.' };
    preview.value = null;
  });
