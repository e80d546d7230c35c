// Entry of the register's page: a small router over the history API that shows the register, a
// tool or an audit, and keeps links working without reloading the page.
import './style.css';
import { isPageLink, parseRoute } from './record.js';
import { showAudit, showCompare, showError, showList, showMissing, showTool } from './views.js';

const main = document.getElementById('main');

// Shows the current location; after a navigation, focus moves to the new heading.
async function render(moved = false) {
  const route = parseRoute(location.pathname, location.search);
  try {
    if (route.view === 'list') await showList(main, route.query, route.offset, route.filters);
    else if (route.view === 'compare') await showCompare(main);
    else if (route.view === 'tool') await showTool(main, route.slug);
    else if (route.view === 'audit') await showAudit(main, route.slug, route.id);
    else showMissing(main);
  } catch (e) {
    if (e.status === 404) showMissing(main);
    else showError(main, e);
  }
  if (moved) main.querySelector('h1')?.focus();
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || event.button !== 0) return;
  const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
  if (!isPageLink({ href: link.href, origin: location.origin, target: link.target, modified })) return;
  event.preventDefault();
  history.pushState(null, '', link.href);
  render(true);
});
window.addEventListener('popstate', () => render(true));
render();
