// The portal's calls to the staff API: same origin, the sign-in cookie, and the anti-forgery header the API requires
// for changes made with that cookie. Answers come back as { status, body } for the component to read.
export async function call(method, url, body, idempotencyKey) {
  const init = { method, credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" } };
  if (body !== null && body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = body;
  }
  if (idempotencyKey) {
    init.headers["Idempotency-Key"] = idempotencyKey;
  }
  try {
    const response = await fetch(url, init);
    return { status: response.status, body: await response.text() };
  } catch (e) {
    return { status: 0, body: String(e) };
  }
}

export function timeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
