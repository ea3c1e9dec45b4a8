import { api, channelNames, el, formatTime, showUser } from './api.js';

const body = document.getElementById('templates');

function editorLink(t) {
  const query = new URLSearchParams({ key: t.key, channel: t.channel, locale: t.locale });
  if (t.clinicId) query.set('clinicId', t.clinicId);
  return `/templates/edit?${query}`;
}

try {
  await showUser();
  const templates = await api('/api/v1/templates');
  body.replaceChildren(...templates.map(t => el('tr', { 'data-key': t.key, 'data-channel': t.channel },
    el('td', {}, el('a', { class: 'row', href: editorLink(t) }, t.name ?? t.key), t.name ? el('div', { class: 'key' }, t.key) : null),
    el('td', {}, channelNames[t.channel] ?? t.channel),
    el('td', {}, t.locale),
    el('td', {}, t.clinicId || 'вся сеть'),
    el('td', {}, t.publishedVersion ? `v${t.publishedVersion}` : '—'),
    el('td', {}, t.draftVersion ? el('span', { class: 'badge draft' }, `v${t.draftVersion}`) : '—'),
    el('td', {}, `${formatTime(t.updatedAt)}${t.updatedBy ? `, ${t.updatedBy}` : ''}`))));
  if (templates.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: 7 }, 'Шаблонов пока нет.')));
} catch (error) {
  document.getElementById('error').textContent = error.messages?.join('\n') ?? String(error);
}
