import { render } from 'preact';
import { loadHealth } from './models/health.ts';
import { HealthPage } from './pages/HealthPage.tsx';

void loadHealth();
render(<HealthPage />, document.getElementById('app')!);
