import type { PodConfig } from '../server/pod-static.ts';

/** The server writes the allowed host origins into the app shell (server/pod-static.ts). */
export function readPodConfig(doc: Document = document): PodConfig {
  const content = doc.querySelector('meta[name="pod-config"]')?.getAttribute('content');
  try {
    const parsed = content ? (JSON.parse(content) as Partial<PodConfig>) : {};
    return {
      hostOrigins: Array.isArray(parsed.hostOrigins)
        ? parsed.hostOrigins.filter((o): o is string => typeof o === 'string')
        : [],
    };
  } catch {
    return { hostOrigins: [] };
  }
}
