import { describe, expect, it } from 'vitest';
import { createHostBridge } from '../../pod/bridge/host-bridge.ts';
import { memberAuthenticationSchema } from '../../shared/schemas/session.ts';

/** Just enough of a framed window: a parent that records what the pod posts, and message delivery. */
function framedWindow() {
  const posted: { data: unknown; target: string }[] = [];
  const parent = { postMessage: (data: unknown, target: string) => posted.push({ data, target }) };
  const target = new EventTarget();
  const win = Object.assign(target, { parent }) as unknown as Window;
  // Node's MessageEvent only takes a MessagePort as source; a plain Event carries the same fields.
  const deliver = (data: unknown, origin: string, source: unknown = parent) =>
    target.dispatchEvent(Object.assign(new Event('message'), { data, origin, source }));
  const sent = () => posted.map((p) => ({ ...JSON.parse(p.data as string), target: p.target }));
  return { win, deliver, sent };
}

const MANAGE = 'https://na.myconnectwise.net';
const OTHER = 'https://eu.myconnectwise.net';
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('host bridge', () => {
  it('says ready, and pins the origin that names the frame', async () => {
    const w = framedWindow();
    const bridge = createHostBridge({ win: w.win, allowedOrigins: [MANAGE, OTHER] });
    const connected = bridge.connect();
    expect(w.sent()).toEqual([{ message: 'ready', target: '*' }]);
    w.deliver(JSON.stringify({ MessageFrameID: 'f1' }), MANAGE);
    await connected;
    expect(bridge.origin).toBe(MANAGE);
  });

  it("ignores messages from origins not allowed, from the pinned origin's rivals, and non-strings", async () => {
    const w = framedWindow();
    const bridge = createHostBridge({ win: w.win, allowedOrigins: [MANAGE, OTHER], handshakeTimeoutMs: 50 });
    const connected = bridge.connect();
    w.deliver(JSON.stringify({ MessageFrameID: 'evil' }), 'https://evil.example');
    w.deliver({ MessageFrameID: 'object' }, MANAGE);
    await expect(connected).rejects.toThrow(/did not answer/);

    const again = bridge.connect();
    w.deliver(JSON.stringify({ MessageFrameID: 'f1' }), MANAGE);
    await again;
    let loads = 0;
    bridge.on('onLoad', () => {
      loads++;
      return { ok: true };
    });
    w.deliver(JSON.stringify({ event: 'onLoad', _id: '1', data: {} }), OTHER);
    w.deliver(JSON.stringify({ event: 'onLoad', _id: '2', data: {} }), MANAGE, {});
    await tick();
    expect(loads).toBe(0);
    w.deliver(JSON.stringify({ event: 'onLoad', _id: '3', data: {} }), MANAGE);
    await tick();
    expect(loads).toBe(1);
  });

  it('sends hosted_request with the frame id and resolves on the lower-cased response', async () => {
    const w = framedWindow();
    const bridge = createHostBridge({ win: w.win, allowedOrigins: [MANAGE] });
    const connected = bridge.connect();
    w.deliver(JSON.stringify({ MessageFrameID: 'f9' }), MANAGE);
    await connected;
    const auth = bridge.request('getMemberAuthentication');
    expect(w.sent().at(-1)).toEqual({ hosted_request: 'getMemberAuthentication', frameID: 'f9', target: MANAGE });
    w.deliver(JSON.stringify({ response: 'getMemberAuthentication', data: { wrong: true } }), MANAGE);
    w.deliver(JSON.stringify({ response: 'getmemberauthentication', data: { memberid: 'jdoe' } }), MANAGE);
    await expect(auth).resolves.toEqual({ memberid: 'jdoe' });
  });

  it("checks an answer against the request's schema: a malformed one is refused, naming what is wrong", async () => {
    const w = framedWindow();
    const bridge = createHostBridge({ win: w.win, allowedOrigins: [MANAGE] });
    const connected = bridge.connect();
    w.deliver(JSON.stringify({ MessageFrameID: 'f2' }), MANAGE);
    await connected;
    const bad = bridge.request('getMemberAuthentication', undefined, memberAuthenticationSchema);
    w.deliver(JSON.stringify({ response: 'getmemberauthentication', data: { memberid: 'jdoe' } }), MANAGE);
    await expect(bad).rejects.toThrow(/cannot read: site: .*companyid: .*memberHash: /);
    const good = bridge.request('getMemberAuthentication', undefined, memberAuthenticationSchema);
    const claim = { site: 'na.myconnectwise.net', companyid: 'msp', memberid: 'jdoe', memberHash: 'h' };
    w.deliver(JSON.stringify({ response: 'getmemberauthentication', data: claim }), MANAGE);
    await expect(good).resolves.toEqual(claim);
  });

  it('sends openScreen, setDirty and refreshScreen with their args, as Manage expects', async () => {
    const w = framedWindow();
    const bridge = createHostBridge({ win: w.win, allowedOrigins: [MANAGE] });
    const connected = bridge.connect();
    w.deliver(JSON.stringify({ MessageFrameID: 'f2' }), MANAGE);
    await connected;
    const open = bridge.request('openScreen', { newTab: true, screen: 'company', id: 19 });
    const dirty = bridge.request('setDirty', { dirty: true });
    const refresh = bridge.request('refreshScreen');
    expect(w.sent().slice(-3)).toEqual([
      {
        hosted_request: 'openScreen',
        frameID: 'f2',
        args: { newTab: true, screen: 'company', id: 19 },
        target: MANAGE,
      },
      { hosted_request: 'setDirty', frameID: 'f2', args: { dirty: true }, target: MANAGE },
      { hosted_request: 'refreshScreen', frameID: 'f2', target: MANAGE },
    ]);
    for (const name of ['openscreen', 'setdirty', 'refreshscreen'])
      w.deliver(JSON.stringify({ response: name, data: {} }), MANAGE);
    await expect(Promise.all([open, dirty, refresh])).resolves.toEqual([{}, {}, {}]);
  });

  it("acknowledges every event, with the handler's errors on failure", async () => {
    const w = framedWindow();
    const bridge = createHostBridge({ win: w.win, allowedOrigins: [MANAGE] });
    const connected = bridge.connect();
    w.deliver(JSON.stringify({ MessageFrameID: 'f1' }), MANAGE);
    await connected;
    bridge.on('beforeSave', () => ({ ok: false, errors: ['2 edits are not confirmed'] }));
    w.deliver(JSON.stringify({ event: 'beforeSave', _id: 7 }), MANAGE);
    w.deliver(JSON.stringify({ event: 'beforeBack', _id: '8' }), MANAGE);
    await tick();
    expect(w.sent().slice(-2)).toEqual([
      {
        event: 'beforeSave',
        _id: 7,
        result: 'failure',
        errors: ['2 edits are not confirmed'],
        frameID: 'f1',
        target: MANAGE,
      },
      { event: 'beforeBack', _id: '8', result: 'success', frameID: 'f1', target: MANAGE },
    ]);
  });

  it('never hangs: requests and the handshake time out, and an unframed page fails at once', async () => {
    const w = framedWindow();
    const bridge = createHostBridge({ win: w.win, allowedOrigins: [MANAGE], requestTimeoutMs: 30 });
    const connected = bridge.connect();
    w.deliver(JSON.stringify({ MessageFrameID: 'f1' }), MANAGE);
    await connected;
    await expect(bridge.request('refreshScreen')).rejects.toThrow(/did not answer refreshScreen/);
    const top = new EventTarget() as unknown as Window & { parent: unknown };
    (top as { parent: unknown }).parent = top;
    const alone = createHostBridge({ win: top, allowedOrigins: [MANAGE] });
    expect(alone.framed).toBe(false);
    await expect(alone.connect()).rejects.toThrow(/not inside ConnectWise/);
  });
});
