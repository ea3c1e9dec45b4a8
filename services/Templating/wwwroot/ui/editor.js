import { api, channelNames, el, formatTime, showUser, templatePath } from './api.js';

const query = new URLSearchParams(location.search);
const id = { key: query.get('key'), channel: query.get('channel') || 'sms', locale: query.get('locale') || 'ru', clinicId: query.get('clinicId') || '' };
const $ = name => document.getElementById(name);
const fields = { body: $('body'), subject: $('subject'), html: $('html'), waName: $('waName'), waParameters: $('waParameters') };
let state = { published: null, draft: null, model: [] };
let canWrite = false;

$('title').textContent = `${id.key} · ${channelNames[id.channel] ?? id.channel} · ${id.locale}${id.clinicId ? ` · клиника ${id.clinicId}` : ''}`;
$('email-fields').hidden = $('html-fields').hidden = id.channel !== 'email';
$('whatsapp-fields').hidden = id.channel !== 'whatsapp';

function say(message) { $('status').textContent = message; $('error').textContent = ''; }
function fail(error) { $('status').textContent = ''; $('error').textContent = error.messages?.join('\n') ?? String(error); }

function content() {
  return {
    body: fields.body.value,
    subject: id.channel === 'email' ? fields.subject.value : undefined,
    html: id.channel === 'email' ? fields.html.value : undefined,
    whatsAppTemplateName: id.channel === 'whatsapp' ? fields.waName.value : undefined,
    whatsAppParameters: id.channel === 'whatsapp' ? fields.waParameters.value.split('\n').map(s => s.trim()).filter(Boolean) : undefined,
  };
}

function show(version) {
  fields.body.value = version?.body ?? '';
  fields.subject.value = version?.subject ?? '';
  fields.html.value = version?.html ?? '';
  fields.waName.value = version?.whatsAppTemplateName ?? '';
  fields.waParameters.value = (version?.whatsAppParameters ?? []).join('\n');
}

function refreshButtons() {
  $('editing').textContent = state.draft ? `черновик v${state.draft.version}` : state.published ? `опубликована v${state.published.version}` : 'новый';
  $('editing').className = `badge ${state.draft ? 'draft' : 'published'}`;
  for (const button of ['save', 'publish', 'discard']) $(button).disabled = !canWrite;
  $('discard').disabled ||= !state.draft;
}

async function load() {
  try {
    state = await api(templatePath(id));
  } catch (error) {
    if (error.status !== 404) throw error;
    // A new clinic override or locale starts from the chain-wide (or Russian) text, so the marketer edits rather than retypes.
    const base = (id.clinicId ? await api(templatePath({ ...id, clinicId: '' })).catch(() => null) : null)
      ?? (id.locale !== 'ru' ? await api(templatePath({ ...id, clinicId: '', locale: 'ru' })).catch(() => null) : null);
    state = { published: null, draft: null, model: base?.model ?? [], startFrom: base?.published };
  }
  show(state.draft ?? state.published ?? state.startFrom);
  renderVariables();
  refreshButtons();
  await Promise.all([preview(), history(), variants()]);
}

function renderVariables() {
  $('variables').replaceChildren(...(state.model ?? []).map(v => el('div', {},
    el('code', { title: 'Вставить в текст', onclick: () => insert(`{{ ${v.name} }}`) }, v.name),
    ` — ${v.description ?? ''} `, v.sample ? el('span', { class: 'badge' }, v.sample) : null)));
}

function insert(text) {
  const area = fields.body;
  const at = area.selectionStart ?? area.value.length;
  area.value = area.value.slice(0, at) + text + area.value.slice(area.selectionEnd ?? at);
  area.focus();
  schedulePreview();
}

let previewTimer;
function schedulePreview() { clearTimeout(previewTimer); previewTimer = setTimeout(preview, 250); }

async function preview() {
  try {
    const result = await api('/api/v1/templates/preview', { method: 'POST', body: { body: fields.body.value, key: id.key, channel: id.channel } });
    $('preview').textContent = result.text;
    $('preview-error').textContent = '';
    const parts = [`${result.segments} SMS`, result.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2', `${result.units} симв.`];
    if (result.cost !== undefined && result.cost !== null) parts.push(`${Number(result.cost).toLocaleString('ru-RU', { minimumFractionDigits: 2 })} ${result.currency === 'RUB' ? '₽' : result.currency ?? ''}`);
    const forcing = result.forcingCharacters ?? [];
    $('meter').replaceChildren(...[parts.join(' · '),
      forcing.length ? el('div', { class: 'warn' }, `UCS-2 из-за символов: ${forcing.slice(0, 12).join(' ')}${forcing.length > 12 ? ` … (всего ${forcing.length})` : ''}`) : null,
      result.warning ? el('div', { class: 'warn' }, result.warning) : null].filter(Boolean));
  } catch (error) {
    $('preview').textContent = '';
    $('meter').textContent = '';
    $('preview-error').textContent = error.messages?.join('\n') ?? String(error);
  }
}

function editorUrl(variant) {
  const params = new URLSearchParams({ key: id.key, channel: variant.channel, locale: variant.locale });
  if (variant.clinicId) params.set('clinicId', variant.clinicId);
  return `/templates/edit?${params}`;
}

/** The key's other channels, languages and clinic texts, to switch between them. */
async function variants() {
  const all = (await api('/api/v1/templates')).filter(t => t.key === id.key);
  if (!all.some(t => t.channel === id.channel && t.locale === id.locale && (t.clinicId || '') === id.clinicId)) all.push({ ...id });
  $('variant').replaceChildren(...all.map(t => el('option', {
    value: editorUrl(t),
    selected: t.channel === id.channel && t.locale === id.locale && (t.clinicId || '') === id.clinicId,
  }, `${channelNames[t.channel] ?? t.channel} · ${t.locale}${t.clinicId ? ` · ${t.clinicId}` : ''}`)));
}

$('variant').addEventListener('change', () => { location.href = $('variant').value; });
$('addLocale').addEventListener('click', () => {
  const locale = $('newLocale').value.trim();
  if (/^[a-z]{2}(-[A-Za-z]{2})?$/.test(locale)) location.href = editorUrl({ channel: id.channel, locale, clinicId: id.clinicId });
  else fail('Язык — две латинские буквы, например en или en-GB.');
});

async function history() {
  const versions = await api(templatePath(id, '/versions')).catch(() => []);
  $('history').replaceChildren(...versions.map(v => el('li', {},
    el('span', { class: `badge ${v.status}` }, `v${v.version} ${({ draft: 'черновик', published: 'опубликована', archived: 'в архиве' })[v.status] ?? v.status}`),
    ` ${v.author ?? ''}, ${formatTime(v.publishedAt ?? v.createdAt)} `,
    state.published && v.version !== state.published.version ? el('button', { onclick: () => diff(state.published.version, v.version) }, 'Сравнить') : null,
    canWrite && v.status === 'archived' ? el('button', { onclick: () => rollback(v.version) }, 'Вернуть') : null)));
}

async function diff(from, to) {
  try {
    const result = await api(templatePath(id, `/diff?from=${from}&to=${to}`));
    $('diff-title').textContent = `Сравнение v${from} → v${to}`;
    $('diff').replaceChildren(...result.lines.map(line => el('div', { class: line.kind }, `${({ added: '+ ', removed: '− ' })[line.kind] ?? '  '}${line.text}`)));
  } catch (error) { fail(error); }
}

async function save() {
  state.draft = await api(templatePath(id, '/draft'), { method: 'PUT', body: content() });
  refreshButtons();
  await history();
}

$('save').addEventListener('click', async () => {
  try { await save(); say(`Черновик v${state.draft.version} сохранён.`); } catch (error) { fail(error); }
});
$('publish').addEventListener('click', async () => {
  try {
    await save();
    const published = await api(templatePath(id, '/publish'), { method: 'POST', body: { version: state.draft.version } });
    say(`Опубликована версия v${published.version}: следующие сообщения пойдут с этим текстом.`);
    await load();
  } catch (error) { fail(error); }
});
$('discard').addEventListener('click', async () => {
  try { await api(templatePath(id, '/draft'), { method: 'DELETE' }); say('Черновик удалён.'); await load(); } catch (error) { fail(error); }
});
async function rollback(version) {
  try {
    const published = await api(templatePath(id, '/rollback'), { method: 'POST', body: { version } });
    say(`Текст версии v${version} опубликован заново как v${published.version}.`);
    await load();
  } catch (error) { fail(error); }
}
for (const field of Object.values(fields)) field.addEventListener('input', schedulePreview);

try {
  const me = await showUser();
  canWrite = me.role === 'marketer';
  await load();
} catch (error) { fail(error); }
