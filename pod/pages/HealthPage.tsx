import { health, loadHealth } from '../models/health.ts';

export function HealthPage() {
  const state = health.value;
  return (
    <section>
      <h1>Pax8 sync</h1>
      {state.kind === 'loading' && <p class="muted">Checking the sync server…</p>}
      {state.kind === 'error' && (
        <div class="notice error" role="alert">
          <strong>The sync server is not healthy.</strong> {state.message}{' '}
          <button type="button" onClick={() => void loadHealth()}>Try again</button>
        </div>
      )}
      {state.kind === 'ready' && (
        <table aria-label="Server health">
          <tbody>
            <tr><th>Server</th><td><span class="status ok">{state.report.status}</span> version {state.report.version}</td></tr>
            <tr><th>Database</th><td data-testid="driver">{state.report.database.driver}</td></tr>
            <tr><th>Schema</th><td>{state.report.database.migration?.tag ?? 'not migrated'}</td></tr>
            <tr><th>Mode</th><td>{state.report.sandbox ? 'Sandbox (demo data)' : 'Live'}</td></tr>
          </tbody>
        </table>
      )}
    </section>
  );
}
