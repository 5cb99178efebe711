// POST /discover with a discovery trigger's OIDC token (DROVER_TRIGGER_ISSUER / DROVER_TRIGGER_AUDIENCE).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { helloMigrator } from '../hello.js';
import { startMigrator } from '../lib/migrator.js';
import { fixed } from '../lib/tokens.js';
import { platformKeys } from './platform-keys.js';

let issuerServer; let issuer; let key; let migrator; let base; let projects;
const AUDIENCE = 'node-hello-discovery';

before(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  // A Kubernetes API server's OIDC issuer, as far as a trigger's token needs one: discovery document and JWKS.
  issuerServer = http.createServer((req, res) => {
    const body = req.url === '/.well-known/openid-configuration' ? { issuer, jwks_uri: `${issuer}/keys` }
      : req.url === '/keys' ? { keys: [jwk] } : null;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${issuerServer.address().port}`;
  projects = fs.mkdtempSync(path.join(os.tmpdir(), 'node-hello-trigger-'));
  const dapr = { pubsub: { publish: async () => ({ error: new Error('no sidecar in this test') }) } };
  migrator = await startMigrator(helloMigrator(projects), { port: 0, bind: '127.0.0.1', apiUrl: 'http://127.0.0.1:9',
    callbackUrl: 'http://127.0.0.1:9', publicUrl: '', pubsub: 'pubsub', tokens: fixed('t'), trigger: { issuer, audience: AUDIENCE } },
  { dapr, jwks: (await platformKeys()).jwks, patienceMs: 1000 });
  base = `http://127.0.0.1:${migrator.port}`;
});

after(async () => {
  await migrator.close();
  issuerServer.close();
  fs.rmSync(projects, { recursive: true, force: true });
});

const token = (claims, iss = issuer) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' })
  .setIssuer(iss).setSubject('system:serviceaccount:drover:ping').setIssuedAt().setExpirationTime('5m').sign(key);
const discover = async (bearer) => (await fetch(`${base}/discover`, { method: 'POST',
  headers: bearer ? { authorization: `Bearer ${bearer}` } : {} })).status;

test("a trigger's token of the configured issuer for the configured audience runs discovery", async () => {
  assert.equal(await discover(await token({ aud: AUDIENCE })), 202);
});

test('a token for another audience, of another issuer, or none, is 401', async () => {
  assert.equal(await discover(await token({ aud: 'drover' })), 401);
  assert.equal(await discover(await token({ aud: AUDIENCE }, 'http://elsewhere.invalid')), 401);
  assert.equal(await discover(undefined), 401);
  assert.equal(await discover('not-a-jwt'), 401);
});
