// Keeps an open Runtime tab current: every few seconds it fetches the tab again (same origin,
// same session, the person's own access decided by the server as for any page) and, when the
// section changed, swaps it for the new one. The new section is parsed by DOMParser, which
// runs no scripts, from HTML the server escaped; the strict CSP holds as for the first load.
(() => {
  const section = () => document.querySelector('[data-runtime-live]');
  if (!section()) return;
  const every = 5000;
  const poll = async () => {
    try {
      const res = await fetch(location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      if (res.ok) {
        const next = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('[data-runtime-live]');
        const current = section();
        if (next && current && next.getAttribute('data-runtime-live') !== current.getAttribute('data-runtime-live'))
          current.replaceWith(document.importNode(next, true));
      }
    } catch {
      // A missed poll is retried; the page itself stays readable.
    }
    // Not while the tab is hidden: a wall of open tabs must not poll the replica all day.
    setTimeout(poll, document.hidden ? every * 6 : every);
  };
  setTimeout(poll, every);
})();
