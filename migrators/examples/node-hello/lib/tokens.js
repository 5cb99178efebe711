import fs from 'node:fs';
import { abbreviate, log } from './log.js';

/** Renew this long before expiry (at most a quarter of the lifetime): the platform must still accept it on arrival. */
const EARLY_SECONDS = 60;
/** An IdP that says nothing of expiry (expires_in is only RECOMMENDED) is asked again this often. */
const UNSTATED_SECONDS = 60;

/**
 * The migrator's identity: a token from the organisation's IdP by OAuth2 client credentials (RFC 6749 section 4.4,
 * client_secret_basic), kept until shortly before its expires_in. The platform takes it as a migrator's when its
 * subject is system:serviceaccount:drover:<app id> (ADR 0007).
 */
export function clientCredentials(endpoint, clientId, clientSecret, params = {}) {
  // client_secret_basic: id and secret form-encoded first (RFC 6749 section 2.3.1).
  const authorization = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
  const form = new URLSearchParams({ ...params, grant_type: 'client_credentials' }).toString();
  let held = null;
  let fetching = null;

  async function fetchToken() {
    // No redirects: the request carries the client secret, which must go to the configured endpoint only.
    const answer = await fetch(endpoint, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
    });
    let body = null;
    try {
      body = await answer.json();
    } catch {
      // said below
    }
    if (answer.status !== 200 || typeof body?.access_token !== 'string') {
      // RFC 6749 section 5.2: error and error_description say why; the rest of the body is not repeated.
      const why = body ? `${body.error ?? ''} ${body.error_description ?? ''}`.trim() : '';
      const message = `the token endpoint ${endpoint} answered ${answer.status}${why ? `: ${abbreviate(why)}` : ' without a token'}; `
        + 'check DROVER_TOKEN_URL, DROVER_CLIENT_ID, DROVER_CLIENT_SECRET and DROVER_TOKEN_PARAMS';
      log.warn(message);
      throw new Error(message);
    }
    const type = body.token_type ?? 'Bearer';
    if (String(type).toLowerCase() !== 'bearer') {
      throw new Error(`the token endpoint ${endpoint} gave a token of type '${abbreviate(type)}', not Bearer`);
    }
    const lifetime = Number(body.expires_in) > 0 ? Number(body.expires_in) : 0;
    const renewIn = lifetime > 0 ? lifetime - Math.min(EARLY_SECONDS, lifetime / 4) : UNSTATED_SECONDS;
    return { token: body.access_token, renewAt: Date.now() + renewIn * 1000 };
  }

  return {
    async token() {
      if (held && Date.now() < held.renewAt) {
        return held.token;
      }
      // One request at a time: concurrent callers share it.
      fetching ??= fetchToken().finally(() => { fetching = null; });
      held = await fetching;
      return held.token;
    },
    toString: () => `client credentials at ${endpoint}`,
  };
}

/** A Kubernetes ServiceAccount token projected into a file, read again on every use (the kubelet rotates it). */
export function fromFile(file) {
  return {
    async token() {
      const token = (await fs.promises.readFile(file, 'utf8')).trim();
      if (!token) {
        throw new Error(`the token file ${file} is empty`);
      }
      return token;
    },
    toString: () => `token file ${file}`,
  };
}

/** The same token always: for tests and tools that already hold one. */
export function fixed(token) {
  return { token: async () => token, toString: () => 'a fixed token' };
}

function formEncode(value) {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
