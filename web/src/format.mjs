// Numbers, tables and downloads shared by the page and the <hs3-fit> element.

export function num(x, digits = 4) {
  if (x === null || x === undefined) return '—';
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) {
    return x.toExponential(digits - 1);
  }
  return Number(x.toPrecision(digits)).toString();
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.flat().filter((c) => c !== null &&
                                                c !== undefined));
  return node;
}

// A table of rows (arrays of cells; numbers formatted) with a caption.
export function table(headers, rows, { caption, testid } = {}) {
  return el('table', { 'data-testid': testid },
      caption ? el('caption', { text: caption }) : null,
      el('thead', {}, el('tr', {}, headers.map((h) =>
        el('th', { scope: 'col', text: h })))),
      el('tbody', {}, rows.map((row) => el('tr', {}, row.map((cell, i) =>
        el(i === 0 ? 'th' : 'td', {
          scope: i === 0 ? 'row' : undefined,
          'data-value': typeof cell === 'number' ? String(cell) : undefined,
          text: typeof cell === 'number' ? num(cell) : String(cell ?? '—'),
        }))))));
}

// Tab-separated text of a table, full precision where a cell has it.
export function tableText(tableNode) {
  return [...tableNode.querySelectorAll('tr')].map((tr) =>
    [...tr.children].map((cell) => cell.dataset.value ?? cell.textContent)
        .join('\t')).join('\n');
}

export function download(name, data, type = 'application/json') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = el('textarea', {}, text);
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

// Fit health, in words first: {level: 'ok' | 'warn' | 'bad', title, lines}.
export function fitHealth(fit) {
  const lines = [];
  const good = fit.status === 'converged';
  const forced = fit.status === 'covariance_forced_pos_def';
  const valid = fit.valid ?? (good || forced);
  let level = good ? 'ok' : valid ? 'warn' : 'bad';
  const words = {
    converged: 'converged',
    covariance_forced_pos_def: 'converged, covariance forced positive-definite',
    call_limit: 'stopped at the call limit',
    edm_above_target: 'EDM above target',
    hessian_failed: 'Hessian failed',
    failed: 'failed',
  };
  const title = `Fit ${words[fit.status] ?? fit.status}`;
  if (fit.edm !== undefined) {
    lines.push(`EDM ${num(fit.edm, 2)} (target ${num(fit.edm_target, 2)})`);
  }
  if (fit.calls !== undefined) {
    lines.push(`${fit.calls} calls (limit ${fit.call_limit})`);
  }
  const covariance = forced ?
      'covariance approximate (made positive-definite)' : {
        converged: 'covariance accurate',
        hessian_failed: 'no covariance',
      }[fit.status] ?? (valid ? 'covariance accurate' :
        'covariance not trusted');
  lines.push(covariance);
  const atBound = fit.at_bound ?? [];
  if (atBound.length > 0) {
    if (level === 'ok') level = 'warn';
    lines.push(`at a bound: ${atBound.join(', ')}`);
  } else {
    lines.push('no parameter at a bound');
  }
  return { level, title, lines, message: fit.message ?? '' };
}
