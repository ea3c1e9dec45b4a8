// The Templating API as the marketer UI uses it: JSON over fetch with the sign-in cookie.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || (status >= 500 ? 'Сервер не ответил как надо. Попробуйте ещё раз.' : `Запрос не выполнен (HTTP ${status}).`));
    this.status = status;
    this.problem = problem;
  }

  /** Every message of a problem-details answer. The API words each in Russian and names the field in it. */
  get messages() {
    const errors = this.problem?.errors;
    if (!errors) return [this.message];
    return Object.values(errors).flat();
  }

  /** The machine-readable codes of the answer (`codes` per field, or `code`). */
  get codes() {
    return this.problem?.codes ? Object.values(this.problem.codes).flat() : [this.problem?.code].filter(Boolean);
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.href = `/account/sign-in?returnUrl=${encodeURIComponent(location.pathname + location.search)}`;
    throw new ApiError(401, { title: 'Нужно войти' });
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export function templatePath({ key, channel, locale, clinicId }, suffix = '') {
  const base = `/api/v1/templates/${encodeURIComponent(key)}/${encodeURIComponent(channel)}/${encodeURIComponent(locale)}${suffix}`;
  return clinicId ? `${base}${base.includes('?') ? '&' : '?'}clinicId=${encodeURIComponent(clinicId)}` : base;
}

export const channelNames = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'Эл. почта', max: 'MAX' };
export const channels = ['sms', 'whatsapp', 'email', 'max'];

export function formatTime(value) {
  return value ? new Date(value).toLocaleString('ru-RU', { dateStyle: 'short', timeStyle: 'short' }) : '—';
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export async function showUser() {
  const me = await api('/api/v1/me');
  document.getElementById('user').textContent = me.displayName || me.userName;
  return me;
}
