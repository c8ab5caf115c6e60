import { render } from 'preact';
import { boot } from './models/session.ts';
import { App } from './pages/App.tsx';

render(<App />, document.getElementById('app')!);
void boot();
