namespace Comms.ProviderSimulator.Phones;

/// <summary>
/// <c>GET /sim/phone/{number}</c>: the patient's phone in a browser. It lists the messages that number received from
/// every provider (newest at the bottom, refreshed every two seconds, each labelled with its provider and delivery
/// status) and has a box to reply, which goes to the gateway exactly as <c>POST /sim/replies</c> sends it: through the
/// provider that last sent to the number. One page, no build step: the page is the file below.
/// </summary>
public static class PhonePage
{
    public static IEndpointRouteBuilder MapPhonePage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sim/phone/{number}", (string number) =>
                PhoneNumber.TryNormalize(number, out _)
                    ? Results.Text(Html, "text/html; charset=utf-8")
                    : Results.ValidationProblem(new Dictionary<string, string[]> { ["number"] = ["Not a phone number (11 to 15 digits after normalization)."] }))
            .WithTags("Phone")
            .WithSummary("The patient's phone: received messages and a reply box (HTML).");
        return endpoints;
    }

    private const string Html = """
        <!doctype html>
        <html lang="ru">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Телефон пациента</title>
          <style>
            body { margin: 0; font: 15px/1.4 system-ui, sans-serif; background: #e9edf1; display: flex; justify-content: center; }
            .phone { width: 380px; min-height: 100vh; background: #fff; display: flex; flex-direction: column; box-shadow: 0 0 12px rgba(0,0,0,.12); }
            header { padding: .8rem 1rem; background: #1f6feb; color: #fff; font-weight: 600; }
            header small { display: block; font-weight: 400; opacity: .85; }
            #messages { flex: 1; padding: 1rem; display: flex; flex-direction: column; gap: .6rem; overflow-y: auto; }
            .in, .out { max-width: 85%; padding: .55rem .75rem; border-radius: 14px; white-space: pre-wrap; }
            .in { background: #f0f2f5; align-self: flex-start; }
            .out { background: #d9fdd3; align-self: flex-end; }
            .meta { display: block; font-size: .75rem; color: #5f6b7a; margin-top: .25rem; }
            form { display: flex; gap: .5rem; padding: .7rem; border-top: 1px solid #d9dee5; }
            input { flex: 1; font: inherit; padding: .5rem .7rem; border: 1px solid #d9dee5; border-radius: 18px; }
            button { font: inherit; border: 0; background: #1f6feb; color: #fff; border-radius: 18px; padding: .5rem 1rem; cursor: pointer; }
            #error { color: #b42318; padding: 0 1rem .6rem; margin: 0; }
            .empty { color: #5f6b7a; text-align: center; margin-top: 2rem; }
          </style>
        </head>
        <body>
          <div class="phone">
            <header>Сообщения<small id="number"></small></header>
            <div id="messages" aria-live="polite"><p class="empty">Сообщений пока нет.</p></div>
            <p id="error" role="alert"></p>
            <form id="reply">
              <input id="text" name="text" autocomplete="off" placeholder="Ответ, например 1 или СТОП" required>
              <button type="submit">Отправить</button>
            </form>
          </div>
          <script>
            const number = decodeURIComponent(location.pathname.split('/').pop());
            const sent = [];
            const statuses = { accepted: 'принято', delivered: 'доставлено', failed: 'не доставлено' };
            const providers = { smsru: 'SMS.ru', smsc: 'SMSC.ru', smsaero: 'SMS Aero', max: 'MAX' };
            document.getElementById('number').textContent = number;
            const time = value => new Date(value).toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });

            function bubble(kind, text, meta) {
              const div = document.createElement('div');
              div.className = kind;
              div.textContent = text;
              const small = document.createElement('span');
              small.className = 'meta';
              small.textContent = meta;
              div.append(small);
              return div;
            }

            async function refresh() {
              const response = await fetch(`/sim/messages?to=${encodeURIComponent(number)}`);
              if (!response.ok) return;
              const messages = await response.json();
              const items = [
                ...messages.map(m => ({ at: m.receivedAt, node: bubble('in', m.text, `${m.sender ?? ''} ${time(m.receivedAt)} · ${providers[m.provider] ?? m.provider} · ${statuses[m.status] ?? m.status}`) })),
                ...sent.map(s => ({ at: s.at, node: bubble('out', s.text, `${time(s.at)} · ${s.state}`) })),
              ].sort((a, b) => new Date(a.at) - new Date(b.at));
              const list = document.getElementById('messages');
              if (items.length) list.replaceChildren(...items.map(i => i.node));
            }

            document.getElementById('reply').addEventListener('submit', async event => {
              event.preventDefault();
              const input = document.getElementById('text');
              const entry = { text: input.value, at: new Date().toISOString(), state: 'отправляется' };
              sent.push(entry);
              input.value = '';
              const response = await fetch('/sim/replies', {
                method: 'POST', headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ from: number, text: entry.text }),
              });
              entry.state = response.ok ? `отправлено · ${providers[(await response.clone().json()).provider] ?? ''}` : 'не отправлено';
              document.getElementById('error').textContent = response.ok ? '' : ((await response.json()).detail ?? `HTTP ${response.status}`);
              await refresh();
            });

            refresh();
            setInterval(refresh, 2000);
          </script>
        </body>
        </html>
        """;
}
