/** The host page's markup and styles; behaviour is in script.ts. */
export const HOST_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ConnectWise Manage (sandbox)</title>
<style>
  :root { font: 13px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1f2933; }
  body { margin: 0; background: #eef1f4; }
  header { display: flex; align-items: center; gap: 12px; padding: 6px 12px; background: #1d2b36; color: #fff; }
  header .brand { font-weight: 700; letter-spacing: .2px; }
  header .who { margin-left: auto; display: flex; align-items: center; gap: 6px; }
  header select, header input, header button { font: inherit; }
  .layout { display: grid; grid-template-columns: 240px 1fr; min-height: calc(100vh - 38px); }
  nav { background: #fff; border-right: 1px solid #d9dee4; overflow: auto; }
  nav h3 { margin: 10px 12px 4px; font-size: 11px; text-transform: uppercase; color: #5f6b7a; }
  nav a { display: block; padding: 3px 12px; color: #0b5cab; text-decoration: none; }
  nav a.active { background: #e3eefa; font-weight: 600; }
  main { padding: 12px 16px; }
  .screen-title { font-size: 17px; font-weight: 600; margin: 0 0 2px; }
  .crumb { color: #5f6b7a; margin-bottom: 10px; }
  .tabs { display: flex; gap: 2px; border-bottom: 1px solid #c5ccd4; }
  .tabs button { border: 1px solid #c5ccd4; border-bottom: none; background: #e8ecf0; padding: 5px 14px; cursor: pointer; font: inherit; }
  .tabs button.active { background: #fff; font-weight: 600; }
  .panel { background: #fff; border: 1px solid #c5ccd4; border-top: none; padding: 10px; }
  iframe.hosted { width: 100%; border: 0; display: block; background: #fff; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #e1e5ea; }
  th { background: #f5f7f9; color: #5f6b7a; }
  .pods { display: grid; gap: 10px; margin-top: 12px; }
  .pod { background: #fff; border: 1px solid #c5ccd4; }
  .pod h4 { margin: 0; padding: 5px 8px; background: #f5f7f9; border-bottom: 1px solid #c5ccd4; font-size: 12px; }
  .toolbar { display: flex; gap: 6px; margin: 8px 0; }
  .toolbar button { font: inherit; padding: 3px 10px; }
  .dirty { color: #a15c00; font-weight: 600; }
  .notice { padding: 10px; background: #fff; border: 1px solid #c5ccd4; }
  .error { color: #b3261e; }
  details.log { margin-top: 16px; }
  details.log pre { max-height: 220px; overflow: auto; background: #fff; border: 1px solid #d9dee4; padding: 6px; font-size: 11px; }
</style>
</head>
<body>
<header>
  <span class="brand">ConnectWise Manage</span><span>· sandbox</span>
  <div class="who" id="who"></div>
</header>
<div class="layout">
  <nav id="nav"></nav>
  <main id="main"><p>Loading…</p></main>
</div>
<script type="module" src="/__host/host.js"></script>
</body>
</html>`;
