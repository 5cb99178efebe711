import { createHash, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose';

// What the platform signs, and how (docs/adr/0007-security.md, schemas/openapi.yaml's description).
export const ISSUER = 'drover';
export const EVENT_TYPE = 'drover-event+jwt';
export const REQUEST_TYPE = 'drover-request+jwt';
/** The CloudEvent extension that carries a step event's signature. */
export const EVENT_EXTENSION = 'droversig';

/** The signature proves nothing: the caller gets a 401 (a broker dead-letters it instead of redelivering). */
export class ProofRefused extends Error {}

/** The platform's keys cannot be fetched now: the caller gets a 503 (a broker redelivers later). */
export class KeysUnavailable extends Error {}

/** base64url (no padding) of the SHA-256 of bytes. */
export function digest(bytes) {
  return createHash('sha256').update(bytes).digest('base64url');
}

/**
 * base64url SHA-256 of the RFC 8785 (JCS) canonical form of parsed JSON: what data_sha256 binds. Canonical because
 * Dapr and brokers may re-encode the JSON on the way.
 */
export function dataDigest(data) {
  if (data === undefined || typeof data === 'string' || data instanceof Uint8Array) {
    // A JSON document arrives parsed; a string or bytes here means the data was not JSON (or not declared as JSON).
    throw new ProofRefused("the step event's data is not JSON");
  }
  return digest(Buffer.from(canonicalize(data), 'utf8'));
}

/**
 * Checks the platform's signatures for the migrator app appId against the platform's public keys: those at
 * GET <platform>/platform/keys, fetched with the migrator's bearer token (anonymous callers get nothing there),
 * cached, and fetched again when a signature names a kid not seen yet (a rotation). Tests pass a JWK set instead.
 */
export function verifier(appId, { keysUrl, tokens, jwks }) {
  const keys = jwks ? createLocalJWKSet(jwks) : remoteKeys(keysUrl, tokens);

  async function verify(jws, typ) {
    if (typeof jws !== 'string' || !jws) {
      throw new ProofRefused('no platform signature');
    }
    try {
      const { payload } = await jwtVerify(jws, keys, {
        algorithms: ['ES256'],
        typ,
        issuer: ISSUER,
        audience: appId,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 60,
      });
      return payload;
    } catch (e) {
      if (e instanceof KeysUnavailable) {
        throw e;
      }
      throw new ProofRefused(`the platform signature is not valid: ${e.message}`);
    }
  }

  return {
    /** A step event: signed by the platform, for this migrator, over exactly this id, type and data. */
    async verifyEvent(jws, eventId, type, data) {
      if (typeof jws !== 'string' || !jws.trim()) {
        throw new ProofRefused(`the step event carries no platform signature (CloudEvent extension ${EVENT_EXTENSION})`);
      }
      const claims = await verify(jws, EVENT_TYPE);
      const actual = dataDigest(data);
      if (claims.sub !== eventId || claims.cetype !== type || !same(actual, claims.data_sha256)) {
        throw new ProofRefused("the platform's signature is not of this event (id, type or data differ)");
      }
    },

    /** A request (a dry-run, a discovery trigger): its bearer binds method, path and the body's exact bytes. */
    async verifyRequest(jws, method, path, body) {
      const claims = await verify(jws, REQUEST_TYPE);
      if (claims.htm !== method || claims.htu !== path || !same(digest(body), claims.body_sha256)) {
        throw new ProofRefused("the platform's signature is not of this request (method, path or body differ)");
      }
    },
  };
}

/**
 * jose's remote key set, fetching with the migrator's current token (it is renewed, so it is read at each fetch).
 * A key set that cannot be had (no token, the platform down, no JSON) is KeysUnavailable; a kid that is not in a
 * freshly fetched set is a refusal.
 */
function remoteKeys(keysUrl, tokens) {
  const remote = createRemoteJWKSet(new URL(keysUrl), {
    [customFetch]: async (url, init) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${await tokens.token()}`);
      return fetch(url, { ...init, headers });
    },
  });
  return unavailableWhenUnfetched(remote, "the platform's keys");
}

/** A remote key set whose fetch failures (not its answers) are KeysUnavailable: the sender is told to come back. */
export function unavailableWhenUnfetched(remote, what) {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (e) {
      const fetching = !(e instanceof errors.JOSEError) || e instanceof errors.JWKSTimeout
        || e instanceof errors.JWKSInvalid || e.code === 'ERR_JOSE_GENERIC';
      if (fetching) {
        throw new KeysUnavailable(`${what} cannot be fetched now: ${e.message}`);
      }
      throw e;
    }
  };
}

function same(a, b) {
  const left = Buffer.from(String(a ?? ''), 'utf8');
  const right = Buffer.from(String(b ?? ''), 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
