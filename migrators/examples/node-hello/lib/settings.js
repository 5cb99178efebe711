import * as tokens from './tokens.js';

/**
 * What a migrator reads from its environment: the same variables, with the same defaults, as the Java SDK's
 * MigratorSettings.fromEnvironment (migrators/README.md, "Settings"). Throws an Error naming the variable when one
 * is wrong, so the process says what to fix before it listens.
 */
export function fromEnvironment(env) {
  const portText = env.PORT ?? env.DROVER_PORT ?? '8080';
  const port = Number.parseInt(String(portText).trim(), 10);
  if (!/^\d+$/.test(String(portText).trim()) || port > 65535) {
    throw new Error(`PORT=${portText} is not a port number`);
  }
  const apiUrl = httpUrl('DROVER_API_URL', env.DROVER_API_URL ?? 'http://127.0.0.1:8080');
  const callbackUrl = httpUrl('DROVER_CALLBACK_URL', env.DROVER_CALLBACK_URL ?? apiUrl);
  const publicUrl = env.MIGRATOR_URL ? httpUrl('MIGRATOR_URL', env.MIGRATOR_URL) : '';
  const bind = (env.DROVER_BIND ?? '0.0.0.0').trim();
  if (!bind) {
    throw new Error('DROVER_BIND must name an interface, e.g. 127.0.0.1 or 0.0.0.0');
  }
  return {
    port,
    bind,
    apiUrl,
    callbackUrl,
    publicUrl,
    pubsub: env.DROVER_PUBSUB || 'pubsub',
    tokens: tokenSource(env),
    trigger: trigger(env),
  };
}

/** Who may trigger discovery besides the platform: DROVER_TRIGGER_ISSUER's tokens for DROVER_TRIGGER_AUDIENCE. */
function trigger(env) {
  const issuer = (env.DROVER_TRIGGER_ISSUER ?? '').trim();
  const audience = (env.DROVER_TRIGGER_AUDIENCE ?? '').trim();
  if (!issuer && !audience) {
    return null;
  }
  if (!issuer || !audience) {
    throw new Error('set both DROVER_TRIGGER_ISSUER and DROVER_TRIGGER_AUDIENCE (the OIDC issuer of discovery triggers and '
      + 'the audience their tokens are for), or neither');
  }
  return { issuer: httpUrl('DROVER_TRIGGER_ISSUER', issuer), audience };
}

/** DROVER_TOKEN_FILE, or DROVER_TOKEN_URL with DROVER_CLIENT_ID, DROVER_CLIENT_SECRET and DROVER_TOKEN_PARAMS. */
export function tokenSource(env) {
  const file = (env.DROVER_TOKEN_FILE ?? '').trim();
  const url = (env.DROVER_TOKEN_URL ?? '').trim();
  if (file && url) {
    throw new Error('both DROVER_TOKEN_FILE and DROVER_TOKEN_URL are set: a migrator has one identity, set only one of them');
  }
  if (file) {
    return tokens.fromFile(file);
  }
  if (!url) {
    throw new Error("the migrator has no identity: set DROVER_TOKEN_FILE (its Kubernetes ServiceAccount token, projected for "
      + "audience 'drover') or DROVER_TOKEN_URL, DROVER_CLIENT_ID and DROVER_CLIENT_SECRET (OAuth2 client credentials; "
      + 'extra form parameters in DROVER_TOKEN_PARAMS)');
  }
  const id = (env.DROVER_CLIENT_ID ?? '').trim();
  const secret = (env.DROVER_CLIENT_SECRET ?? '').trim();
  if (!id || !secret) {
    throw new Error('DROVER_TOKEN_URL is set, so DROVER_CLIENT_ID and DROVER_CLIENT_SECRET must be too');
  }
  return tokens.clientCredentials(httpUrl('DROVER_TOKEN_URL', url), id, secret, form(env.DROVER_TOKEN_PARAMS ?? ''));
}

/** Form-encoded name=value pairs, e.g. audience=drover (Auth0) or migrator=node-hello (the development issuer). */
function form(encoded) {
  const params = {};
  for (const pair of encoded.split('&')) {
    if (!pair.trim()) {
      continue;
    }
    const eq = pair.indexOf('=');
    if (eq < 1) {
      throw new Error(`DROVER_TOKEN_PARAMS entry '${pair}' is not name=value`);
    }
    params[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return params;
}

function httpUrl(name, value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name}=${value} is not a URL`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || !url.hostname) {
    throw new Error(`${name}=${value} is not an http(s) URL`);
  }
  return value;
}
