// Small DOM helpers: elements are built with textContent only (never innerHTML), so register text
// can never become markup.

// h('a', {href: '/x', class: 'y'}, 'text', child, [more]): attributes by setAttribute, `on*`
// functions as event listeners; null, false and undefined children are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

// Fetches JSON from this server; a failed request throws an Error with the server's message.
export async function getJson(url, signal) {
  return (await getJsonWithHeaders(url, signal)).body;
}

// As getJson, with the reply's headers (for the paging headers of /api/tools).
export async function getJsonWithHeaders(url, signal) {
  const response = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const reason = body && typeof body.error === 'string' ? body.error : response.statusText;
    const error = new Error(`${reason} (HTTP ${response.status})`);
    error.status = response.status;
    throw error;
  }
  return { body, headers: response.headers };
}

// Posts JSON to this server; a refusal throws an Error with the server's message and status.
export async function postJson(url, body) {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body),
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' } });
  const reply = await response.json().catch(() => null);
  if (!response.ok) {
    const reason = reply && typeof reply.error === 'string' ? reply.error : response.statusText;
    const error = new Error(reason);
    error.status = response.status;
    throw error;
  }
  return reply;
}
