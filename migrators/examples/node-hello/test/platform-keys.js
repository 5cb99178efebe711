// A stand-in for the platform's signing key in tests: an ES256 key pair and JWSs shaped as the platform makes them.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { dataDigest, digest } from '../lib/signatures.js';

export async function platformKeys(kid = 'test-key') {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const sign = (typ, claims, { lifetime = '24h', key = privateKey } = {}) => new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ, kid })
    .setIssuer('drover')
    .setIssuedAt()
    .setExpirationTime(lifetime)
    .sign(key);
  return {
    jwks: { keys: [jwk] },
    /** The worker's droversig on a step event. */
    signEvent: (eventId, type, app, data, options) => sign('drover-event+jwt',
      { aud: app, sub: eventId, cetype: type, data_sha256: dataDigest(data) }, options),
    /** The platform's bearer on a dry-run or a discovery trigger. */
    signRequest: (app, method, path, body, options) => sign('drover-request+jwt',
      { aud: app, sub: 'drover', jti: randomUUID(), htm: method, htu: path, body_sha256: digest(Buffer.from(body)) }, options),
  };
}
