'use strict';
// Prints a Stripe-Signature header for a payload, made by Stripe's own library
// (stripe.webhooks.generateTestHeaderString), for tests that post signed webhooks to our webhook endpoints.
//
//   node stripe-test-header.js --secret whsec_... [--timestamp <unix seconds>] [--payload '<json>']
//
// Without --payload the payload is read from stdin, byte for byte. Prints the header value and no newline.
const Stripe = require('stripe');

const stripe = new Stripe('sk_test_signature_check_only');

function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && index + 1 < process.argv.length ? process.argv[index + 1] : undefined;
}

function print(payload) {
  const secret = option('secret');
  if (!secret) {
    process.stderr.write('--secret is required\n');
    process.exitCode = 2;
    return;
  }
  const timestamp = option('timestamp');
  const header = stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp ? { timestamp: Number(timestamp) } : {}),
  });
  process.stdout.write(header);
}

const payload = option('payload');
if (payload !== undefined) {
  print(payload);
} else {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { input += chunk; });
  process.stdin.on('end', () => print(input));
}
