import { api, channelNames, channels, el, formatTime, showUser, templatePath } from './api.js';

const query = new URLSearchParams(location.search);
const id = { key: query.get('key'), channel: query.get('channel') || 'sms', locale: query.get('locale') || 'ru', clinicId: query.get('clinicId') || '' };
const $ = name => document.getElementById(name);
const fields = { body: $('body'), subject: $('subject'), html: $('html'), waName: $('waName'), waParameters: $('waParameters') };
let state = { published: null, draft: null, model: [], name: null };
let canWrite = false;
// A variable goes into the text field the marketer was last in (the subject, a WhatsApp parameter, the HTML too).
let lastField = fields.body;

function showTitle() {
  const what = state.name ? `${state.name} (${id.key})` : id.key;
  $('title').textContent = `${what} · ${channelNames[id.channel] ?? id.channel} · ${id.locale}${id.clinicId ? ` · клиника ${id.clinicId}` : ''}`;
  document.title = `${state.name ?? id.key} — Comms`;
}
showTitle();
$('email-fields').hidden = $('html-fields').hidden = id.channel !== 'email';
$('whatsapp-fields').hidden = id.channel !== 'whatsapp';
if (id.channel === 'email') $('body-label').firstChild.textContent = 'Текст письма без оформления — для почтовых программ без HTML (Scriban: ';

function say(message) { $('status').textContent = message; $('error').textContent = ''; }
function fail(error) { $('status').textContent = ''; $('error').textContent = error.messages?.join('\n') ?? String(error); }

function content() {
  return {
    body: fields.body.value,
    subject: id.channel === 'email' ? fields.subject.value : undefined,
    html: id.channel === 'email' ? fields.html.value : undefined,
    whatsAppTemplateName: id.channel === 'whatsapp' ? fields.waName.value : undefined,
    whatsAppParameters: id.channel === 'whatsapp' ? parameters() : undefined,
  };
}

function parameters() { return fields.waParameters.value.split('\n').map(s => s.trim()).filter(Boolean); }

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
    // A new variant: the key's name and variables come with the key, whether or not any text of it exists.
    const key = await api(`/api/v1/templates/keys/${encodeURIComponent(id.key)}`).catch(() => null);
    // A new clinic override or locale starts from the chain-wide (or Russian) text, so the marketer edits rather than retypes.
    const base = (id.clinicId ? await api(templatePath({ ...id, clinicId: '' })).catch(() => null) : null)
      ?? (id.locale !== 'ru' ? await api(templatePath({ ...id, clinicId: '', locale: 'ru' })).catch(() => null) : null);
    state = { published: null, draft: null, name: key?.name ?? base?.name ?? null, model: key?.model ?? base?.model ?? [], startFrom: base?.published };
  }
  showTitle();
  show(state.draft ?? state.published ?? state.startFrom);
  renderVariables();
  refreshButtons();
  await Promise.all([preview(), history(), variants()]);
}

function renderVariables() {
  const model = state.model ?? [];
  $('variables-count').textContent = model.length ? `(${model.length})` : '';
  $('variables').replaceChildren(...model.map(v => el('div', { class: 'var' },
    el('button', { type: 'button', class: 'var-name', title: 'Вставить в текст', onclick: () => insert(`{{ ${v.name} }}`) }, v.name),
    ` — ${v.description ?? ''} `, v.sample ? el('span', { class: 'badge' }, v.sample) : null)));
  updateMore();
}

/** The list scrolls inside its frame: say so while there is more below. */
function updateMore() {
  const list = $('variables');
  const scrollable = list.scrollHeight > list.clientHeight + 1;
  list.classList.toggle('scrollable', scrollable);
  $('variables-more').hidden = !scrollable || list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
}
$('variables').addEventListener('scroll', updateMore);
window.addEventListener('resize', updateMore);

function insert(text) {
  const area = lastField.offsetParent === null ? fields.body : lastField;
  const at = area.selectionStart ?? area.value.length;
  area.value = area.value.slice(0, at) + text + area.value.slice(area.selectionEnd ?? at);
  area.focus();
  area.selectionStart = area.selectionEnd = at + text.length;
  schedulePreview();
}
for (const field of [fields.body, fields.subject, fields.html, fields.waParameters]) field.addEventListener('focus', () => { lastField = field; });

let previewTimer;
let previewRun = 0;
function schedulePreview() { clearTimeout(previewTimer); previewTimer = setTimeout(preview, 250); }

const number = n => Number(n).toLocaleString('ru-RU');
const warn = text => el('div', { class: 'warn' }, text);

/** The figures of the channel: SMS parts and cost; WhatsApp and MAX characters against their limit; email subject and text. */
function meter(result) {
  const lines = [];
  if (result.channel === 'sms') {
    const parts = [`${result.segments} SMS`, result.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2', `${number(result.units)} симв.`];
    if (result.cost !== undefined && result.cost !== null) {
      parts.push(`${Number(result.cost).toLocaleString('ru-RU', { minimumFractionDigits: 2 })} ${result.currency === 'RUB' ? '₽' : result.currency ?? ''}`);
    }
    lines.push(parts.join(' · '));
    if (result.encodingHint) lines.push(warn(result.encodingHint));
    if (result.warning) lines.push(warn(result.warning));
  } else if (result.channel === 'email') {
    lines.push(`Тема: ${number(result.subjectCharacters ?? 0)} симв. · текст: ${number(result.characters)} симв.`);
  } else {
    lines.push(`${channelNames[result.channel] ?? result.channel}: ${number(result.characters)} из ${number(result.limit)} симв.`);
  }
  for (const note of result.notes ?? []) lines.push(warn(note));
  return lines;
}

async function preview() {
  const run = ++previewRun;
  $('preview-error').textContent = '';
  if (!fields.body.value.trim()) {
    // A new variant opens empty: nothing to render yet, and nothing wrong.
    $('preview').textContent = 'Начните писать — здесь появится текст, как его увидит пациент.';
    $('preview').classList.add('empty');
    $('meter').replaceChildren();
    $('preview-subject').hidden = $('preview-parameters').hidden = true;
    return;
  }
  const request = { body: fields.body.value, key: id.key, channel: id.channel };
  if (id.channel === 'email') request.subject = fields.subject.value;
  if (id.channel === 'whatsapp') request.whatsAppParameters = parameters();
  try {
    const result = await api('/api/v1/templates/preview', { method: 'POST', body: request });
    if (run !== previewRun) return; // a later keystroke's preview is on its way
    $('preview').textContent = result.text;
    $('preview').classList.remove('empty');
    $('preview-subject').hidden = id.channel !== 'email';
    $('preview-subject').textContent = `Тема: ${result.subject || '—'}`;
    const rendered = result.parameters ?? [];
    $('preview-parameters').hidden = rendered.length === 0;
    $('preview-parameters').replaceChildren(...rendered.map(p => el('li', {}, p)));
    $('meter').replaceChildren(...meter(result));
  } catch (error) {
    if (run !== previewRun) return;
    $('preview').textContent = '';
    $('meter').replaceChildren();
    $('preview-error').textContent = error.messages?.join('\n') ?? String(error);
  }
}

function editorUrl(variant) {
  const params = new URLSearchParams({ key: id.key, channel: variant.channel, locale: variant.locale });
  if (variant.clinicId) params.set('clinicId', variant.clinicId);
  return `/templates/edit?${params}`;
}

/** The key's other channels, languages and clinic texts, to switch between them, and the channels it has no text for yet. */
async function variants() {
  const all = (await api('/api/v1/templates')).filter(t => t.key === id.key);
  const here = t => t.locale === id.locale && (t.clinicId || '') === id.clinicId;
  for (const channel of channels) {
    if (!all.some(t => t.channel === channel && here(t))) all.push({ channel, locale: id.locale, clinicId: id.clinicId, isNew: true });
  }
  const order = t => `${channels.indexOf(t.channel)}|${t.locale}|${t.clinicId || ''}`;
  all.sort((a, b) => order(a).localeCompare(order(b)));
  $('variant').replaceChildren(...all.map(t => el('option', {
    value: editorUrl(t),
    selected: t.channel === id.channel && here(t),
  }, `${channelNames[t.channel] ?? t.channel} · ${t.locale}${t.clinicId ? ` · ${t.clinicId}` : ''}${t.isNew ? ' — новый' : ''}`)));
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
