import { badRequest, unauthenticated, unavailable } from './errors.js';
import { abbreviate, log } from './log.js';
import { KeysUnavailable, ProofRefused } from './signatures.js';

/**
 * The platform's signatures as the routes check them, with the answers a sender understands: 401
 * invalid_signature for anything that proves nothing (a broker dead-letters a 4xx), 503 keys_unavailable when the
 * platform's keys cannot be fetched now (a broker redelivers a 5xx later).
 */
export function platformProof(verifier) {
  async function check(what, verification) {
    try {
      await verification();
    } catch (e) {
      if (e instanceof KeysUnavailable) {
        log.warn(`cannot check ${what} now: ${e.message}`);
        throw unavailable('keys_unavailable', e.message);
      }
      if (e instanceof ProofRefused) {
        log.warn(`refused ${what}: ${e.message}`);
        throw unauthenticated('invalid_signature', e.message);
      }
      throw e;
    }
  }
  return {
    event: (event) => check(`step event ${abbreviate(event.id)}`,
      () => verifier.verifyEvent(event.droversig, event.id, event.type, event.data)),
    request: (jws, method, path, body) => check(`${method} ${path}`, () => verifier.verifyRequest(jws, method, path, body)),
  };
}

/** A JSON body, or a 400 malformed_json. */
export function parseJson(body) {
  try {
    const value = JSON.parse(body.toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('not a JSON object');
    }
    return value;
  } catch (e) {
    throw badRequest('malformed_json', `the body is not a JSON object: ${abbreviate(e.message)}`);
  }
}
