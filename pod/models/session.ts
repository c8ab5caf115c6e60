import { signal } from '@preact/signals';
import { z } from 'zod/mini';
import type { Action } from '../../shared/schemas/permissions.ts';
import type { RecordSummary, SessionInfo } from '../../shared/schemas/session.ts';
import { memberAuthenticationSchema } from '../../shared/schemas/session.ts';
import { ApiError, api, read, setBearer } from '../api.ts';
import { BridgeError, createHostBridge, type HostBridge } from '../bridge/host-bridge.ts';
import { onLoadData, type ScreenObject } from '../bridge/protocol.ts';
import { tenantZone } from '../components/format.ts';
import { readPodConfig } from '../config.ts';
import { loadDistributors } from './distributor.ts';

export type Phase =
  | { kind: 'outside-host' }
  | { kind: 'connecting' }
  | { kind: 'signing-in' }
  | { kind: 'ready' }
  | { kind: 'error'; title: string; message: string; reload: boolean };

export const phase = signal<Phase>({ kind: 'connecting' });
export const session = signal<SessionInfo | null>(null);
export const screen = signal<ScreenObject | null>(null);
export const record = signal<
  { kind: 'loading' } | { kind: 'ready'; value: RecordSummary } | { kind: 'error'; message: string } | null
>(null);

let bridge: HostBridge | undefined;
export const hostBridge = () => bridge;

/** `[cw_screen]`/`[cw_id]` from the registered URL: used only until `onLoad` says better. */
function screenFromUrl(): ScreenObject | null {
  const params = new URLSearchParams(location.search);
  const id = Number(params.get('id'));
  const name = params.get('screen');
  if (!name || !Number.isInteger(id) || id <= 0 || name.startsWith('[')) return null;
  return { screen: name.toLowerCase(), id, hostedAs: params.get('place') === 'agreement-pod' ? 'pod' : 'tab' };
}

export function fail(error: unknown, title = 'Something went wrong') {
  if (error instanceof ApiError) {
    phase.value = {
      kind: 'error',
      title: error.needsReload ? 'Please reload' : title,
      message: error.message,
      reload: error.needsReload,
    };
  } else {
    phase.value = { kind: 'error', title, message: (error as Error).message, reload: true };
  }
}

export async function loadRecord() {
  const s = screen.value;
  if (!s || phase.value.kind !== 'ready') return;
  if (s.screen !== 'company' && s.screen !== 'agreement') {
    record.value = { kind: 'error', message: `This view works on company and agreement screens, not "${s.screen}".` };
    return;
  }
  record.value = { kind: 'loading' };
  try {
    const value = await read(api.records[':screen'][':id'].$get({ param: { screen: s.screen, id: String(s.id) } }));
    record.value = { kind: 'ready', value };
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    record.value = { kind: 'error', message: (error as Error).message };
  }
}

/**
 * Starts the pod: handshake with the host, get the member's authentication, have the server
 * verify it with ConnectWise, then show the screen `onLoad` names. Every step that can wait
 * has a time limit, so the pod never hangs.
 */
export async function boot(win: Window = window) {
  bridge = createHostBridge({ win, allowedOrigins: readPodConfig().hostOrigins, dev: import.meta.env.DEV });
  if (!bridge.framed) {
    phase.value = { kind: 'outside-host' };
    return;
  }
  screen.value = screenFromUrl();
  bridge.on('onLoad', (data) => {
    const parsed = z.safeParse(onLoadData, data ?? {});
    if (parsed.success && parsed.data.screenObject)
      screen.value = { ...parsed.data.screenObject, screen: parsed.data.screenObject.screen.toLowerCase() };
    void loadRecord();
    return { ok: true };
  });
  bridge.on('beforeSave', () => ({ ok: true }));
  bridge.on('beforeBack', () => ({ ok: true }));

  try {
    await bridge.connect();
  } catch (error) {
    phase.value = {
      kind: 'error',
      title: 'ConnectWise did not answer',
      message:
        error instanceof BridgeError
          ? 'This page must be opened from ConnectWise Manage, as the Distributors tab of a company or a pod on an agreement.'
          : (error as Error).message,
      reload: true,
    };
    return;
  }
  phase.value = { kind: 'signing-in' };
  try {
    const auth = await bridge.request('getMemberAuthentication', undefined, memberAuthenticationSchema);
    const info = await read(api.session.$post({ json: auth }));
    setBearer(info.token);
    tenantZone.value = info.timeZone;
    // Every page is about one distributor: which ones there are is known before any shows.
    await loadDistributors(screen.value?.screen === 'company' ? screen.value.id : undefined);
    session.value = info;
    phase.value = { kind: 'ready' };
    await loadRecord();
  } catch (error) {
    fail(error, 'Could not sign you in');
  }
}

/** Whether her ConnectWise role allows `action`, as the server read it with her session. */
export const may = (action: Action) => session.value?.permissions.allowed[action] === true;

/** Why she cannot take `action`, or null when she can. */
export const whyNot = (action: Action): string | null =>
  may(action)
    ? null
    : (session.value?.permissions.reasons[action] ?? 'Your ConnectWise security role does not allow this.');
