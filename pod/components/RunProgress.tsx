import { dname } from '../models/distributor.ts';
import { view } from '../models/nav.ts';
import { activeRun, type EndedRun, ended, queued, waiting } from '../models/sync-settings.ts';
import { Notice } from './Notice.tsx';

/**
 * A run started from this page, from queued to its summary: progress counts companies against a
 * known total, and the summary stays until the next run, with links to what it wrote and left.
 */
export function RunProgress() {
  const running = activeRun.value;
  const waitsForWorker = queued.value;
  return (
    <>
      {waiting.value?.note && <Notice title="Checking only.">{waiting.value.note}</Notice>}
      {waitsForWorker && (
        <Notice title="Waiting to start…">
          <span data-testid="queued">The run starts as soon as a worker is free.</span>
        </Notice>
      )}
      {running && (
        <Notice title={`${running.actor}…`}>
          <progress
            max={Math.max(running.companiesTotal, 1)}
            value={running.companiesDone}
            aria-label="Companies checked"
          />{' '}
          <span data-testid="progress">
            {running.companiesTotal === 0
              ? `Reading ConnectWise and ${dname()}…`
              : `${running.companiesDone} of ${running.companiesTotal} companies · ${running.writes} written · ${running.failures} failed`}
          </span>
        </Notice>
      )}
      {!running && !waitsForWorker && ended.value && <RunSummary run={ended.value} />}
    </>
  );
}

const KIND: Record<string, string> = {
  increase: 'increases',
  decrease: 'decreases',
  cancellation: 'cancellations',
  prorate: 'prorates',
};

/** How a run ended: what was written and failed, per kind, and what waits for a person, each linked. */
function RunSummary({ run }: { run: EndedRun }) {
  const failed = run.status === 'failed';
  const kinds = Object.entries(run.byKind);
  return (
    <Notice tone={failed || run.failures > 0 ? 'error' : 'info'} title={`${run.actor} ${failed ? 'failed' : 'ended'}.`}>
      <span data-testid="run-summary">
        {run.writes} written · {run.failures} failed · {run.needsReview} left for a person
        {run.error ? ` — ${run.error}` : ''}
      </span>
      {kinds.length > 0 && (
        <ul class="small" data-testid="run-kinds">
          {kinds.map(([kind, n]) => (
            <li key={kind}>
              {KIND[kind] ?? kind}: {n.written} written{n.failed > 0 ? `, ${n.failed} failed` : ''}
            </li>
          ))}
        </ul>
      )}
      <span class="inline">
        {run.writes + run.failures > 0 && (
          <button type="button" class="link" onClick={() => (view.value = { page: 'log', run: run.id })}>
            Open this run's writes in the Log
          </button>
        )}
        {run.needsReview > 0 && (
          <button type="button" class="link" onClick={() => (view.value = { page: 'report' })}>
            Open what waits for a person (Unsynced)
          </button>
        )}
      </span>
    </Notice>
  );
}
