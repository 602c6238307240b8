// Follows a running TemplateRun on its page: polls the run's progress (JSON) and writes the
// phase and steps with textContent — never HTML — so the strict CSP and escaping still hold.
// When the run finishes, the page reloads once to show its outputs, log and conditions.
(() => {
  const marker = document.querySelector('[data-run-progress]');
  if (!marker) return;
  const url = marker.dataset.runProgress;
  const badgeClass = (phase) => (phase === 'Succeeded' ? 'ok' : phase === 'Failed' ? 'bad' : phase === 'Skipped' ? 'skipped' : 'wait');
  const badge = (phase) => {
    const span = document.createElement('span');
    span.className = `badge ${badgeClass(phase)}`;
    span.textContent = phase;
    return span;
  };
  const cell = (...children) => {
    const td = document.createElement('td');
    td.append(...children);
    return td;
  };
  let last = '';
  const show = (progress) => {
    const seen = JSON.stringify(progress);
    if (seen === last) return;
    last = seen;
    document.querySelector('h1 > .badge')?.replaceWith(badge(progress.phase));
    const body = document.querySelector('[data-run-steps]');
    // The first step needs the table the server renders: reload rather than build it here.
    if (!body && progress.steps.length > 0) return location.reload();
    body?.replaceChildren(
      ...progress.steps.map((s) => {
        const row = document.createElement('tr');
        const took = document.createElement('span');
        took.className = 'muted';
        took.textContent = s.duration ? ` ${s.duration}` : '';
        const message = document.createElement('span');
        message.className = 'detail';
        message.textContent = s.message;
        row.append(cell(s.name), cell(badge(s.phase), took), cell(), cell(), cell(message));
        return row;
      }),
    );
  };
  const poll = async () => {
    try {
      const res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (res.ok) {
        const progress = await res.json();
        show(progress);
        if (progress.finished) return location.reload();
      }
    } catch {
      // A missed poll is retried; the page itself stays readable.
    }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1000);
})();
