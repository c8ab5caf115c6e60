import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A page loaded when first shown, so the pod's first screen (the company tab or the agreement
 * pod) downloads only what it needs and stays inside its JavaScript budget.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState<string | null>(null);
    useEffect(() => {
      if (Page) return;
      load().then(
        (page) => {
          loaded = page;
          setPage(() => page);
        },
        (error: Error) => setFailed(error.message),
      );
    }, []);
    if (failed)
      return (
        <p class="bad-text" role="alert">
          This page could not be loaded ({failed}). Reload the tab.
        </p>
      );
    return Page ? <Page {...props} /> : <p class="muted">Loading…</p>;
  };
}
