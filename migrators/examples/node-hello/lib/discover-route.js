import { decodeProtectedHeader } from 'jose';
import { unauthenticated } from './errors.js';
import { bearerToken } from './http.js';
import { REQUEST_TYPE } from './signatures.js';

export const DISCOVER_PATH = '/discover';

/**
 * POST /discover: runs discovery again (the body does not matter: discovery always scans everything). Discovery costs
 * a scan of the source of truth, so only the platform may ask: a request signed by it (htu /discover).
 */
export function discoverRoute({ proof, trigger }) {
  return async ({ headers, body }) => {
    const token = bearerToken(headers, unauthenticated);
    let type;
    try {
      type = decodeProtectedHeader(token).typ;
    } catch {
      throw unauthenticated('invalid_credential', 'the bearer token is not a JWS');
    }
    if (type !== REQUEST_TYPE) {
      throw unauthenticated('invalid_credential', 'this migrator takes discovery triggers signed by the platform only');
    }
    await proof.request(token, 'POST', DISCOVER_PATH, body);
    trigger();
    return { status: 202, json: { triggered: true } };
  };
}
