import { decodeProtectedHeader } from 'jose';
import { unauthenticated, unavailable } from './errors.js';
import { bearerToken } from './http.js';
import { log } from './log.js';
import { KeysUnavailable, REQUEST_TYPE } from './signatures.js';

export const DISCOVER_PATH = '/discover';

/**
 * POST /discover: runs discovery again (the body does not matter: discovery always scans everything). Discovery costs
 * a scan of the source of truth, so it is not open to anyone: a request signed by the platform (htu /discover), or,
 * when DROVER_TRIGGER_ISSUER and DROVER_TRIGGER_AUDIENCE are set, a token of that issuer for that audience (a
 * PingSource's, with Knative's authentication-oidc).
 */
export function discoverRoute({ proof, triggers, trigger }) {
  return async ({ headers, body }) => {
    const token = bearerToken(headers, unauthenticated);
    let type;
    try {
      type = decodeProtectedHeader(token).typ;
    } catch {
      throw unauthenticated('invalid_credential', 'the bearer token is not a JWS');
    }
    if (type === REQUEST_TYPE) {
      await proof.request(token, 'POST', DISCOVER_PATH, body);
    } else if (triggers) {
      try {
        log.debug(`discovery triggered by ${await triggers.verify(token)}`);
      } catch (e) {
        if (e instanceof KeysUnavailable) {
          log.warn(`cannot check a discovery trigger now: ${e.message}`);
          throw unavailable('keys_unavailable', e.message);
        }
        log.warn(`refused a discovery trigger: ${e.message}`);
        throw unauthenticated('invalid_credential', e.message);
      }
    } else {
      throw unauthenticated('invalid_credential', 'this migrator takes discovery triggers signed by the platform only; set '
        + "DROVER_TRIGGER_ISSUER and DROVER_TRIGGER_AUDIENCE to accept a trigger's OIDC token");
    }
    trigger();
    return { status: 202, json: { triggered: true } };
  };
}
