import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { KeysUnavailable, ProofRefused, unavailableWhenUnfetched } from './signatures.js';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
/** Kubernetes ServiceAccount tokens have no typ; most IdPs say JWT; RFC 9068 access tokens say at+jwt. */
const TYPES = [undefined, 'jwt', 'at+jwt'];

/**
 * Discovery triggers of another OIDC issuer (DROVER_TRIGGER_ISSUER, DROVER_TRIGGER_AUDIENCE): with Knative Eventing's
 * authentication-oidc a PingSource sends its ServiceAccount's token for the sink's audience. The checks are the
 * platform's own for a bearer token: the issuer's keys by OIDC discovery (whose issuer must match exactly), exact
 * issuer, the audience, sub and exp present, expiry with 60 s of skew.
 */
export function triggerTokens(issuer, audience) {
  let keys = null;

  async function discovered() {
    if (keys) {
      return keys;
    }
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document;
    try {
      const answer = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      if (answer.status !== 200) {
        throw new Error(`it answered ${answer.status}`);
      }
      document = await answer.json();
    } catch (e) {
      throw new KeysUnavailable(`the trigger issuer's discovery document ${url} cannot be fetched now: ${e.message}`);
    }
    if (document.issuer !== issuer || typeof document.jwks_uri !== 'string') {
      throw new KeysUnavailable(`the discovery document ${url} names issuer '${document.issuer}', not '${issuer}', or no jwks_uri`);
    }
    keys = unavailableWhenUnfetched(createRemoteJWKSet(new URL(document.jwks_uri)), "the trigger issuer's keys");
    return keys;
  }

  return {
    /** The token's subject, once it is proven to be the trigger issuer's for the trigger audience. */
    async verify(token) {
      let typ;
      try {
        typ = decodeProtectedHeader(token).typ?.toLowerCase().replace(/^application\//, '');
      } catch {
        throw new ProofRefused('the bearer token is not a JWS');
      }
      if (!TYPES.includes(typ)) {
        throw new ProofRefused(`a token of type '${typ}' is no trigger's`);
      }
      try {
        const { payload } = await jwtVerify(token, async (header, jws) => (await discovered())(header, jws), {
          algorithms: ALGORITHMS, issuer, audience, requiredClaims: ['sub', 'exp'], clockTolerance: 60,
        });
        return payload.sub;
      } catch (e) {
        if (e instanceof KeysUnavailable) {
          throw e;
        }
        throw new ProofRefused(`not a trigger token of ${issuer} for audience '${audience}': ${e.message}`);
      }
    },
  };
}
