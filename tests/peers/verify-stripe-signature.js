'use strict';
// Verifies a Stripe-Signature header with Stripe's own library, exactly as a webhook endpoint built on it would
// (stripe.webhooks.constructEvent, default 300 s tolerance).
//
//   node verify-stripe-signature.js <payload> <header> <secret>
//   echo '{"payload":"...","header":"t=...,v1=...","secret":"whsec_..."}' | node verify-stripe-signature.js
//
// On success prints {"id":...,"type":...} of the event and exits 0; otherwise prints the library's error and exits 1.
const Stripe = require('stripe');

const stripe = new Stripe('sk_test_signature_check_only');

function verify({ payload, header, secret }) {
  try {
    const event = stripe.webhooks.constructEvent(payload, header, secret);
    process.stdout.write(JSON.stringify({ id: event.id, type: event.type }) + '\n');
  } catch (error) {
    process.stderr.write(`${error.type || 'Error'}: ${error.message}\n`);
    process.exitCode = 1;
  }
}

const args = process.argv.slice(2);
if (args.length === 3) {
  verify({ payload: args[0], header: args[1], secret: args[2] });
} else {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { input += chunk; });
  process.stdin.on('end', () => verify(JSON.parse(input)));
}
