import { createClient, CrossauthError, errorCode, type PublicUser } from '@crossauth/client';
import { MESSAGES } from './messages.js';
import { rememberAwareStorage } from './storage.js';

declare global {
  interface Window {
    CROSSAUTH_API: string;
  }
}

const api = window.CROSSAUTH_API;
const storage = rememberAwareStorage();
const client = createClient({ baseUrl: api, tokenStorage: storage });

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const form = (id: string) => $<HTMLFormElement>(id);
const field = (formId: string, name: string) => form(formId).elements.namedItem(name) as HTMLInputElement;

/**
 * Same-site or cross-site, roughly as the browser decides it (scheme plus registrable domain). Good
 * enough for the demo's localhost / 127.0.0.1 pair; the server decides with the Public Suffix List.
 */
function topology(): 'same-site' | 'cross-site' {
  const site = (host: string) => (/^[\d.]+$|^\[/.test(host) ? host : host.split('.').slice(-2).join('.'));
  const page = new URL(location.href);
  const target = new URL(api);
  return page.protocol === target.protocol && site(page.hostname) === site(target.hostname) ? 'same-site' : 'cross-site';
}

function say(message: string, kind: 'info' | 'error' = 'info'): void {
  const box = $('message');
  box.textContent = message;
  box.dataset.kind = kind;
  box.hidden = message === '';
}

function explain(error: unknown): string {
  if (error instanceof CrossauthError && error.code) return MESSAGES[error.code] ?? error.message;
  if (error instanceof TypeError) return `The API at ${api} cannot be reached. Is it running?`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs an action from the UI: disables the form while it runs and reports errors in plain words. */
async function act(button: HTMLElement | null, action: () => Promise<void>): Promise<void> {
  if (button instanceof HTMLButtonElement) button.disabled = true;
  try {
    say('');
    await action();
  } catch (error) {
    say(explain(error), 'error');
  } finally {
    if (button instanceof HTMLButtonElement) button.disabled = false;
  }
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new CrossauthError(response.status, errorCode(body), body?.error?.message ?? response.statusText);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

function showMode(): void {
  const mode = client.mode;
  const cookie = topology() === 'same-site' ? 'session cookie, SameSite=Lax' : 'session cookie, SameSite=None; Secure; Partitioned';
  $('mode').textContent = mode === 'token' ? 'bearer tokens (the browser drops the API’s cookies)' : mode === 'cookie' ? cookie : 'deciding…';
  document.body.dataset.mode = mode ?? '';
}

function render(user: PublicUser | null): void {
  $('signed-out').hidden = user !== null;
  $('signed-in').hidden = user === null;
  $('who').textContent = user?.email ?? '';
  document.body.dataset.user = user?.email ?? '';
  showMode();
  if (user) void Promise.all([loadNotes(), loadTokens()]);
}

async function loadNotes(): Promise<void> {
  const { notes } = await json<{ notes: { id: string; text: string; createdAt: string }[] }>(await client.fetch('/api/notes'));
  const list = $('notes');
  list.replaceChildren(
    ...notes.map((note) => {
      const item = document.createElement('li');
      item.textContent = note.text;
      const time = document.createElement('time');
      time.textContent = new Date(note.createdAt).toLocaleString();
      item.append(time);
      return item;
    }),
  );
  $('notes-empty').hidden = notes.length > 0;
  $('notes-count').textContent = String(notes.length);
}

async function loadTokens(): Promise<void> {
  const { tokens } = await json<{ tokens: { id: string; name: string; kind: string; abilities: string[]; lastUsedAt: string | null }[] }>(await client.fetch('/auth/tokens'));
  $('tokens').replaceChildren(
    ...tokens.map((token) => {
      const item = document.createElement('li');
      item.textContent = `${token.name} — ${token.kind}, ${token.abilities.join(', ')}${token.lastUsedAt ? `, used ${new Date(token.lastUsedAt).toLocaleString()}` : ', never used'} `;
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.className = 'link';
      revoke.textContent = 'Revoke';
      revoke.addEventListener('click', () =>
        act(revoke, async () => {
          await json(await client.fetch(`/auth/tokens/${token.id}`, { method: 'DELETE' }));
          say(`Token “${token.name}” revoked.`);
          await loadTokens();
        }),
      );
      item.append(revoke);
      return item;
    }),
  );
}

function credentials(formId: string) {
  return { email: field(formId, 'email').value, password: field(formId, 'password').value, remember: field(formId, 'remember').checked };
}

form('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const submitter = (event as SubmitEvent).submitter;
  const signup = submitter?.getAttribute('value') === 'signup';
  void act(submitter, async () => {
    const details = credentials('login-form');
    storage.remember = details.remember;
    const user = signup ? await client.signup(details) : await client.login(details);
    form('login-form').reset();
    render(user);
    say(signup ? `Welcome, ${user.email}.` : `Signed in as ${user.email}.`);
  });
});

form('note-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void act((event as SubmitEvent).submitter, async () => {
    await json(await client.fetch('/api/notes', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: field('note-form', 'text').value }) }));
    form('note-form').reset();
    await loadNotes();
  });
});

form('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void act((event as SubmitEvent).submitter, async () => {
    const abilities = field('token-form', 'readonly').checked ? ['notes:read'] : ['notes:read', 'notes:write'];
    const created = await json<{ token: string }>(
      await client.fetch('/auth/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: field('token-form', 'name').value, abilities }) }),
    );
    form('token-form').reset();
    $('new-token').textContent = created.token;
    $('new-token-box').hidden = false;
    await loadTokens();
  });
});

for (const [id, everywhere] of [['logout', false], ['logout-everywhere', true]] as const) {
  $(id).addEventListener('click', () =>
    act($(id), async () => {
      await client.logout({ everywhere });
      $('new-token-box').hidden = true;
      render(null);
      say(everywhere ? 'Signed out on every device.' : 'Signed out.');
    }),
  );
}

client.on('mode', showMode);
client.on('expired', () => {
  render(null);
  say(MESSAGES.unauthenticated, 'error');
});

$('topology').textContent = `${topology()}: this page is ${location.origin}, the API is ${api}`;
document.body.dataset.topology = topology();
void act(null, async () => {
  await client.ready();
  render(await client.me());
  document.body.dataset.ready = 'true';
});
