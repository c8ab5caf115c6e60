import { sleep } from './retry.ts';

/**
 * Keeps requests under a per-minute budget (ConnectWise starts refusing at about 1000 a
 * minute): at most `perMinute` in any sliding 60-second window. `take()` waits for a slot.
 */
export function createPacer(perMinute: number, now: () => number = Date.now, windowMs = 60_000) {
  // ConnectWise counts arrivals, not departures, and arrivals jitter: keep a margin.
  const span = windowMs + Math.max(50, windowMs * 0.02);
  const sent: number[] = [];
  let queue = Promise.resolve();
  return {
    perMinute,
    take(): Promise<void> {
      // One waiter at a time keeps the order fair and the window exact.
      const turn = queue.then(async () => {
        for (;;) {
          const t = now();
          while (sent.length > 0 && sent[0]! <= t - span) sent.shift();
          if (sent.length < perMinute) {
            sent.push(t);
            return;
          }
          await sleep(sent[0]! + span - t + 1);
        }
      });
      queue = turn.catch(() => {});
      return turn;
    },
  };
}

export type Pacer = ReturnType<typeof createPacer>;
