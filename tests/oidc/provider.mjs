// A real OpenID Connect provider for the tests: oauth2-mock-server (npm), which signs JWT access
// and ID tokens with keys it publishes at /jwks, runs the authorization code flow and checks the
// PKCE verifier. This file only configures it and adds a few test controls under /_test/:
//   PUT  /_test/user    the person the next sign-in signs in as (sub, name, email, groups...)
//   POST /_test/rotate  a new signing key (RS256 or ES256) signs from now on; the old one stays
//                       published, as providers do while tokens signed with it are alive
//   POST /_test/token   an access token for the current person, with claims or lifetime changed
//   GET  /_test/stats   how often the JWKS was downloaded
//   POST /_test/withdraw  the key with this kid is no longer published (its tokens must fail)
//   POST /_test/jwks-cache  the Cache-Control max-age the JWKS is served with (null: none)
// Usage: node provider.mjs <audience>; prints the issuer URL on its first line of output.
import http from "node:http";
import { OAuth2Server } from "oauth2-mock-server";

const audience = process.argv[2];
const server = new OAuth2Server();
const keys = server.issuer.keys;
let signingKid = (await keys.generate("RS256")).kid;
const choose = keys.get.bind(keys);
keys.get = (kid) => choose(kid ?? signingKid); // round-robin no more: the current key signs
let person = { sub: "nobody", groups: [] };
let jwksDownloads = 0;
const withdrawn = new Set();
let jwksMaxAge = null;

// Access tokens carry no "aud" from the library: give them the API's, and the person's claims
// (ID tokens already name the client as their audience).
server.service.on("beforeTokenSigning", (token) => {
  const { aud } = token.payload;
  Object.assign(token.payload, person, { aud: aud ?? audience });
});

async function body(request) {
  let text = "";
  for await (const chunk of request) text += chunk;
  return text ? JSON.parse(text) : {};
}

function reply(response, value) {
  response.writeHead(200, { "Content-Type": "application/json" });
  response.end(JSON.stringify(value));
}

const controls = {
  "PUT /_test/user": async (given) => {
    person = given;
    return person;
  },
  "POST /_test/rotate": async ({ alg }) => {
    signingKid = (await keys.generate(alg ?? "RS256")).kid;
    return { kid: signingKid };
  },
  "POST /_test/token": async ({ claims, expiresIn }) => {
    const token = await server.issuer.buildToken({
      expiresIn: expiresIn ?? 3600,
      scopesOrTransform: (header, payload) =>
        Object.assign(payload, person, { aud: audience }, claims ?? {}),
    });
    return { access_token: token };
  },
  "GET /_test/stats": async () => ({ jwks_downloads: jwksDownloads }),
  "POST /_test/withdraw": async ({ kid }) => {
    withdrawn.add(kid);
    return { withdrawn: [...withdrawn] };
  },
  "POST /_test/jwks-cache": async ({ maxAge }) => {
    jwksMaxAge = maxAge ?? null;
    return { maxAge: jwksMaxAge };
  },
};

const listener = http.createServer(async (request, response) => {
  const path = new URL(request.url, "http://provider").pathname;
  const control = controls[`${request.method} ${path}`];
  if (control) {
    reply(response, await control(await body(request)));
    return;
  }
  if (path === "/jwks") {
    jwksDownloads += 1;
    const published = keys.toJSON().filter((key) => !withdrawn.has(key.kid));
    const headers = { "Content-Type": "application/json" };
    if (jwksMaxAge !== null) headers["Cache-Control"] = `public, max-age=${jwksMaxAge}`;
    response.writeHead(200, headers);
    response.end(JSON.stringify({ keys: published }));
    return;
  }
  server.service.requestHandler(request, response);
});
listener.listen(0, "127.0.0.1", () => {
  server.issuer.url = `http://127.0.0.1:${listener.address().port}`;
  console.log(server.issuer.url);
});
