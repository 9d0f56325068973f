#!/usr/bin/env node
// Runs Meta's capi-param-builder (Node.js) ParamBuilder over click-ids-inputs.json and writes
// its answers as test vectors for the Matching module: which _fbc/_fbp values it accepts,
// which fbclid it reads from a URL, and the fbc/fbp/cookie domain it produces for a request.
// The param-builder is a development oracle only: pass the path of a checkout of
// facebook/capi-param-builder; none of its code is part of this repository.
//
//   node Scripts/param-builder-vectors/generate-click-ids.js /path/to/capi-param-builder \
//        > Tests/MatchingTests/Vectors/param-builder-click-ids.jsonl
const path = require('path');
const fs = require('fs');
const repo = process.argv[2];
if (!repo) { console.error('usage: generate-click-ids.js <capi-param-builder checkout>'); process.exit(2); }
const { ParamBuilder } = require(path.join(repo, 'nodejs', 'capi-param-builder', 'src', 'ParamBuilder.js'));
// The same fixed clock and random number as the param-builder's own tests.
Date.now = () => 1234567890;
Math.random = () => 1;
const inputs = JSON.parse(fs.readFileSync(path.join(__dirname, 'click-ids-inputs.json'), 'utf8'));
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

for (const [kind, values] of Object.entries(inputs.cookies)) {
  for (const value of values) {
    const builder = new ParamBuilder(['example.com']);
    const name = kind === 'fbc' ? '_fbc' : '_fbp';
    const accepted = builder._preprocessCookie({ [name]: value }, name) !== null;
    out({ type: 'cookie', kind, value, accepted });
  }
}
for (const url of inputs.urls) {
  const query = new ParamBuilder()._getRefererQuery(url);
  out({ type: 'url', url, fbclid: query ? query.get('fbclid') : null });
}
for (const request of inputs.requests) {
  const builder = new ParamBuilder(request.domains);
  const cookies = builder.processRequest(request.host, request.fbclid ? { fbclid: request.fbclid } : {},
    request.cookies || {}, request.referer || null);
  out({ type: 'request', ...request, fbc: builder.getFbc(), fbp: builder.getFbp(),
    set_cookies: cookies.map((c) => ({ name: c.name, value: c.value, domain: c.domain, max_age: c.maxAge })) });
}
