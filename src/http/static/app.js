// Progressive touches only: every page works without this file.
// - "/" focuses the search box; Escape leaves it.
// - j/k move through catalog rows, Enter opens the selected one.
// - The theme button switches light/dark and remembers the choice.
(() => {
  const root = document.documentElement;
  const saved = localStorage.getItem('greenroom-theme');
  if (saved === 'light' || saved === 'dark') root.dataset.theme = saved;

  document.addEventListener('DOMContentLoaded', () => {
    const toggle = document.querySelector('[data-theme-toggle]');
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener('click', () => {
        const dark = root.dataset.theme ? root.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
        root.dataset.theme = dark ? 'light' : 'dark';
        localStorage.setItem('greenroom-theme', root.dataset.theme);
      });
    }
    const rows = [...document.querySelectorAll('[data-keyboard-rows] tbody tr')];
    let selected = -1;
    const select = (i) => {
      rows[selected]?.classList.remove('selected');
      selected = Math.max(0, Math.min(rows.length - 1, i));
      rows[selected]?.classList.add('selected');
      rows[selected]?.scrollIntoView({ block: 'nearest' });
    };
    document.addEventListener('keydown', (event) => {
      const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement?.tagName ?? '');
      if (event.key === 'Escape' && typing) return document.activeElement.blur();
      if (typing || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === '/') {
        event.preventDefault();
        document.getElementById('search')?.focus();
      } else if (rows.length && (event.key === 'j' || event.key === 'k')) {
        select(selected + (event.key === 'j' ? 1 : -1));
      } else if (event.key === 'Enter' && selected >= 0) {
        rows[selected].querySelector('a')?.click();
      }
    });
  });
})();
