import { log } from './log.js';

/** The platform answered and said no for good (a 4xx other than 404, 408, 429): retrying cannot help. */
export class Refused extends Error {}

/** Waits ms, or less when signal aborts (the migrator stops). */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Runs attempt until it returns, retrying whatever it throws but Refused, 200 ms to 30 s apart (doubling), for at
 * most patienceMs, or until signal (an AbortSignal) says the migrator stops; then throws the last failure. Everything
 * that talks to the platform retries this way.
 */
export async function retryUntil(what, patienceMs, attempt, signal) {
  const until = Date.now() + patienceMs;
  let delay = 200;
  for (let count = 1; ; count++) {
    try {
      return await attempt();
    } catch (e) {
      if (e instanceof Refused || Date.now() + delay > until || signal?.aborted) {
        throw e;
      }
      log.debug(`${what} failed (attempt ${count}), retrying in ${delay} ms: ${e.message}`);
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 30_000);
    }
  }
}
