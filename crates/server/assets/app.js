// The blastradius dashboard: draws a model's dependency graph with Cytoscape.js, fails what the
// user clicks through the what-if API and highlights its blast radius, and shows cut sets,
// importance, availability against SLO and the run history. Plain browser JavaScript, no build.
'use strict';

(function () {
  const MAX_DRAWN_NODES = 3000;
  const TOKEN_KEY = 'blastradius-token';
  const state = { models: [], modelId: null, graph: null, cy: null, whatIf: null, selectedPath: null };
  // Read by the browser test and handy in the console.
  window.blastradius = state;

  // ---------------------------------------------------------------- small helpers

  const $ = (id) => document.getElementById(id);

  /** An element with attributes and children (strings become text, never HTML). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== null) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function fill(target, ...children) {
    target.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  }

  const number = new Intl.NumberFormat('en-US');
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  const perHour = (value) => money.format(value) + '/h';

  function sci(value) {
    if (value === null || value === undefined) return '–';
    if (value === 0) return '0';
    if (Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4) return value.toPrecision(4).replace(/\.?0+$/, '');
    return value.toExponential(3);
  }

  function minutes(value) {
    if (value >= 120) return (value / 60).toFixed(1) + ' h';
    return value.toFixed(1) + ' min';
  }

  function showDialog(title, ...body) {
    $('dialog-title').textContent = title;
    fill($('dialog-body'), ...body);
    $('dialog').showModal();
  }

  // ---------------------------------------------------------------- API

  function token() {
    return localStorage.getItem(TOKEN_KEY) || '';
  }

  function updateTokenButton() {
    $('token-button').textContent = token() ? 'Token: set' : 'Token: none';
  }

  function askToken() {
    return new Promise((resolve) => {
      const dialog = $('token-dialog');
      $('token-input').value = token();
      dialog.addEventListener('close', function once() {
        dialog.removeEventListener('close', once);
        if (dialog.returnValue === 'save' && $('token-input').value.trim()) {
          localStorage.setItem(TOKEN_KEY, $('token-input').value.trim());
          updateTokenButton();
          resolve(true);
        } else {
          resolve(false);
        }
      });
      dialog.showModal();
    });
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || 'HTTP ' + status);
      this.status = status;
      this.body = body;
    }
  }

  async function api(method, path, body, contentType) {
    for (;;) {
      const headers = {};
      if (method !== 'GET') {
        if (!token() && !(await askToken())) throw new ApiError(401, null);
        headers.Authorization = 'Bearer ' + token();
        headers['Content-Type'] = contentType || 'application/json';
      }
      const response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed = null;
      try { parsed = JSON.parse(text); } catch (_) { parsed = text; }
      if (response.status === 401) {
        localStorage.removeItem(TOKEN_KEY);
        updateTokenButton();
        if (await askToken()) continue;
      }
      if (!response.ok) throw new ApiError(response.status, parsed);
      return parsed;
    }
  }

  function reportError(error) {
    if (error instanceof ApiError && error.status === 401) return;
    const body = error.body && error.body.error;
    const diagnostics = body && body.errors ? body.errors.concat(body.warnings || []) : [];
    showDialog(
      error.status === 422 && diagnostics.length ? 'The model is not valid' : 'Something went wrong',
      el('p', { class: 'error' }, error.message),
      diagnostics.map((d) =>
        el('div', { class: 'diagnostic' },
          `${d.file}:${d.line || '?'}:${d.column || '?'}: ${d.severity}: ${d.message}`,
          d.help ? el('div', { class: 'hint' }, '  help: ' + d.help) : null)),
    );
  }

  // ---------------------------------------------------------------- models

  async function loadModels(selectId) {
    const { models } = await api('GET', '/api/models');
    state.models = models;
    const select = $('model-select');
    fill(select, models.map((m) => el('option', { value: m.id, title: m.file }, `${m.name} (#${m.id}, ${m.file.split('/').pop()})`)));
    if (!models.length) {
      fill($('panel'), el('h2', {}, 'No model yet'),
        el('p', {}, 'Upload a model file (YAML) with the button at the top, or start the server with one: ',
          el('code', {}, 'blastradius serve examples/fintech-single-region.yaml')));
      return;
    }
    const wanted = selectId || Number(new URLSearchParams(location.search).get('model')) || models[0].id;
    const chosen = models.find((m) => m.id === wanted) || models[0];
    select.value = chosen.id;
    await openModel(chosen.id);
  }

  async function openModel(id) {
    state.modelId = id;
    state.whatIf = null;
    const graph = await api('GET', `/api/models/${id}/graph`);
    state.graph = graph;
    $('model-title').textContent = `${graph.model}: ${graph.nodes.length} nodes, ${graph.functions.length} business functions`;
    fill($('node-ids'), graph.nodes.map((n) => el('option', { value: n.id })));
    fill($('risk-function'), graph.functions.map((f) => el('option', { value: f.id }, f.id + (f.critical ? ' (critical)' : ''))));
    drawGraph(graph);
    resetPanel();
    fill($('cutsets')); fill($('importance')); fill($('availability'));
    fill($('history-detail'), el('p', { class: 'hint' }, 'Pick a run to see its inputs and result.'));
    if (activeView() === 'history') loadHistory();
  }

  async function upload(file) {
    const text = await file.text();
    try {
      const stored = await api('POST', '/api/models?file=' + encodeURIComponent(file.name), text, 'application/yaml');
      await loadModels(stored.id);
    } catch (error) {
      reportError(error);
    }
  }

  // ---------------------------------------------------------------- graph

  const KIND_LABEL = {
    provider: 'provider', region: 'region', zone: 'zone', regional_service: 'regional service',
    global_service: 'global service', component: 'component',
  };

  function elements(graph) {
    const items = [];
    for (const node of graph.nodes) {
      items.push({ data: { id: node.id, label: node.label, kind: node.kind, parent: node.parent || undefined } });
    }
    for (const group of graph.groups) {
      items.push({ data: { id: group.id, label: group.label, kind: 'group' } });
      items.push({ data: { id: `${group.id}>owner`, source: group.owner, target: group.id, kind: 'hard' } });
      for (const member of group.members) {
        items.push({ data: { id: `${group.id}>${member}`, source: group.id, target: member, kind: 'member' } });
      }
    }
    graph.edges.forEach((edge, i) => {
      items.push({ data: { id: `edge:${i}`, source: edge.source, target: edge.target, kind: edge.kind } });
    });
    for (const fn of graph.functions) {
      const id = 'function:' + fn.id;
      items.push({ data: { id, label: fn.id, kind: 'function', critical: fn.critical ? 'yes' : 'no' } });
      for (const member of fn.delivered_by) {
        items.push({ data: { id: `${id}>${member}`, source: id, target: member, kind: 'delivers' } });
      }
    }
    return items;
  }

  const STYLE = [
    { selector: 'node', style: {
      label: 'data(label)', 'font-size': 11, 'text-valign': 'center', 'text-halign': 'center',
      'background-color': '#dfe4ea', 'border-width': 1, 'border-color': '#9aa5b1', shape: 'round-rectangle',
      width: (node) => nodeWidth(node.data('label') || ''), height: 22, color: '#1f2933', 'text-wrap': 'none',
    } },
    { selector: ':parent', style: {
      'text-valign': 'top', 'text-halign': 'center', 'font-weight': 'bold', 'font-size': 12,
      'background-opacity': 0.35, padding: 14, 'text-events': 'yes',
    } },
    { selector: 'node[kind = "provider"]', style: { 'background-color': '#d9e2ec', 'border-color': '#486581', 'border-width': 2 } },
    { selector: 'node[kind = "region"]', style: { 'background-color': '#bcccdc', 'border-color': '#627d98', 'border-style': 'dashed' } },
    { selector: 'node[kind = "zone"]', style: { 'background-color': '#f0f4f8', shape: 'rectangle' } },
    { selector: 'node[kind = "regional_service"], node[kind = "global_service"]', style: { 'background-color': '#e3f2fd' } },
    { selector: 'node[kind = "component"]', style: { 'background-color': '#ffffff', 'border-color': '#334e68', 'border-width': 1.5 } },
    { selector: 'node[kind = "group"]', style: {
      shape: 'diamond', width: 16, height: 16, padding: 0, 'font-size': 9, 'text-valign': 'bottom',
      'text-margin-y': 2, 'background-color': '#ffffff', 'border-color': '#334e68', color: '#52606d',
    } },
    { selector: 'node[kind = "function"]', style: {
      shape: 'octagon', 'background-color': '#6b4fbb', color: 'white', 'border-color': '#44337a', 'font-weight': 'bold',
    } },
    { selector: 'node[kind = "function"][critical = "yes"]', style: { 'border-width': 3, 'border-style': 'double' } },
    { selector: 'edge', style: {
      width: 2.5, 'line-color': '#9fb3c8', 'target-arrow-color': '#9fb3c8', 'target-arrow-shape': 'triangle',
      'arrow-scale': 0.8, 'curve-style': 'bezier',
      // Edges let clicks through to the nodes and boxes under them: only nodes can be failed.
      events: 'no',
    } },
    { selector: 'edge[kind = "soft"]', style: { 'line-style': 'dashed' } },
    { selector: 'edge[kind = "member"]', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none' } },
    { selector: 'edge[kind = "delivers"]', style: { 'line-color': '#b9a8e8', 'target-arrow-color': '#b9a8e8' } },
    { selector: 'node.degraded', style: { 'background-color': '#e8a33d', 'background-opacity': 1, color: '#1f2933' } },
    { selector: 'node.down', style: { 'background-color': '#d64545', 'background-opacity': 1, color: 'white', 'border-color': '#7a1111' } },
    { selector: ':parent.down', style: { 'background-opacity': 0.45, color: '#7a1111' } },
    { selector: 'node.failed', style: { 'background-color': '#7a1111', 'border-width': 4, 'border-color': '#000000', color: 'white' } },
    { selector: ':parent.failed', style: { 'background-opacity': 0.55, color: '#7a1111' } },
    { selector: 'edge.down', style: { 'line-color': '#d64545', 'target-arrow-color': '#d64545', width: 3 } },
    { selector: '.faded', style: { opacity: 0.3 } },
    { selector: '.faded-box', style: { 'background-opacity': 0.08, 'border-opacity': 0.3, 'text-opacity': 0.4 } },
    { selector: 'node.on-path', style: { 'border-width': 4, 'border-color': '#102a43', opacity: 1 } },
    { selector: 'edge.on-path', style: { width: 6, 'line-color': '#102a43', 'target-arrow-color': '#102a43', opacity: 1, 'z-index': 10 } },
  ];


  // ---------------------------------------------------------------- layout

  /** Rough width of a node drawn with its label, in graph units. */
  const nodeWidth = (label) => 12 + 6.6 * label.length;

  /**
   * A layered layout, computed here so the picture is the same at every visit: provider
   * structure at the bottom (each provider a box of regions, each region a grid of its zones and
   * services), the user's components in rows above it (a component sits above everything it
   * depends on), business functions on top. Within a row, nodes are ordered by the mean position
   * of what they depend on, which keeps most edges short. Returns positions of the leaf nodes;
   * boxes fit around their children.
   */
  function layeredPositions(graph) {
    const positions = {};
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const children = new Map();
    for (const node of graph.nodes) {
      if (!node.parent) continue;
      if (!children.has(node.parent)) children.set(node.parent, []);
      children.get(node.parent).push(node);
    }
    const ROW = 34;
    const GAP = 28;

    // A block is {width, height, place(x, y)} for a subtree of provider structure.
    function block(node) {
      const kids = children.get(node.id) || [];
      if (!kids.length) {
        const width = nodeWidth(node.label);
        return { width, height: ROW, place: (x, y) => { positions[node.id] = { x: x + width / 2, y: y + ROW / 2 }; } };
      }
      const leaves = kids.filter((k) => !children.has(k.id));
      const boxes = kids.filter((k) => children.has(k.id)).map(block);
      const columns = Math.max(1, Math.ceil(Math.sqrt(leaves.length * 2)));
      const cell = Math.max(0, ...leaves.map((l) => nodeWidth(l.label))) + 10;
      const gridWidth = leaves.length ? Math.min(leaves.length, columns) * cell : 0;
      const gridHeight = Math.ceil(leaves.length / columns) * ROW;
      const pad = 30;
      const width = Math.max(gridWidth, 0) + boxes.reduce((sum, b) => sum + b.width + GAP, 0) + pad;
      const height = Math.max(gridHeight, ...boxes.map((b) => b.height)) + pad + 10;
      return {
        width, height,
        place: (x, y) => {
          let left = x + pad / 2;
          for (const b of boxes) { b.place(left, y + pad / 2 + 10); left += b.width + GAP; }
          leaves.forEach((leaf, i) => {
            positions[leaf.id] = { x: left + (i % columns) * cell + cell / 2, y: y + pad / 2 + 10 + Math.floor(i / columns) * ROW + ROW / 2 };
          });
        },
      };
    }

    // Provider boxes in rows of at most MAX_WIDTH.
    const MAX_WIDTH = 1100;
    let x = 0;
    let y = 0;
    let rowHeight = 0;
    for (const provider of graph.nodes.filter((n) => !n.parent && n.kind !== 'component')) {
      const b = block(provider);
      if (x > 0 && x + b.width > MAX_WIDTH) { x = 0; y += rowHeight + GAP; rowHeight = 0; }
      b.place(x, y);
      x += b.width + GAP;
      rowHeight = Math.max(rowHeight, b.height);
    }

    // Components in layers: a component is one row above the highest component it depends on.
    const dependsOn = new Map();
    const addDependency = (from, to) => {
      if (!dependsOn.has(from)) dependsOn.set(from, []);
      dependsOn.get(from).push(to);
    };
    for (const edge of graph.edges) addDependency(edge.source, edge.target);
    for (const group of graph.groups) for (const member of group.members) addDependency(group.owner, member);
    const components = graph.nodes.filter((n) => n.kind === 'component');
    const layer = new Map();
    const visiting = new Set();
    function depth(id) {
      if (layer.has(id)) return layer.get(id);
      if (visiting.has(id)) return 0; // A dependency cycle: the back edge does not raise the row.
      visiting.add(id);
      let d = 0;
      for (const target of dependsOn.get(id) || []) {
        if (byId.get(target) && byId.get(target).kind === 'component') d = Math.max(d, depth(target) + 1);
      }
      visiting.delete(id);
      layer.set(id, d);
      return d;
    }
    components.forEach((c) => depth(c.id));
    const mean = (values, fallback) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : fallback);
    const LAYER_GAP = 64;
    const center = Math.min(x, MAX_WIDTH) / 2;
    // Rows wider than MAX_WIDTH wrap onto sub-rows; `top` is the lowest free y, rows grow upwards.
    let top = -LAYER_GAP / 2;
    function placeRow(ids, targetsOf) {
      const entries = ids.map((id) => {
        const xs = targetsOf(id).filter((t) => positions[t]).map((t) => positions[t].x);
        return { id, want: mean(xs, center), width: nodeWidth(byId.has(id) ? byId.get(id).label : id) };
      });
      entries.sort((a, b) => a.want - b.want || (a.id < b.id ? -1 : 1));
      const rows = [[]];
      let used = 0;
      for (const e of entries) {
        if (used > 0 && used + e.width > MAX_WIDTH) { rows.push([]); used = 0; }
        rows[rows.length - 1].push(e);
        used += e.width + GAP;
      }
      for (const row of rows) {
        top -= LAYER_GAP;
        const total = row.reduce((sum, e) => sum + e.width + GAP, -GAP);
        let left = Math.max(0, Math.min(mean(row.map((e) => e.want), center) - total / 2, MAX_WIDTH - total));
        for (const e of row) { positions[e.id] = { x: left + e.width / 2, y: top }; left += e.width + GAP; }
      }
    }
    const maxLayer = Math.max(-1, ...layer.values());
    for (let d = 0; d <= maxLayer; d++) {
      placeRow(components.filter((c) => layer.get(c.id) === d).map((c) => c.id), (id) => dependsOn.get(id) || []);
    }
    top -= 20;
    placeRow(graph.functions.map((f) => 'function:' + f.id),
      (id) => graph.functions.find((f) => 'function:' + f.id === id).delivered_by);
    // Redundant groups just below their owner, side by side when it has several.
    const groupsOf = new Map();
    for (const group of graph.groups) {
      if (!groupsOf.has(group.owner)) groupsOf.set(group.owner, []);
      groupsOf.get(group.owner).push(group.id);
    }
    for (const [owner, ids] of groupsOf) {
      const at = positions[owner] || { x: center, y: 0 };
      ids.forEach((id, i) => { positions[id] = { x: at.x + (i - (ids.length - 1) / 2) * 26, y: at.y + 36 }; });
    }
    return positions;
  }

  function drawGraph(graph) {
    if (state.cy) { state.cy.destroy(); state.cy = null; }
    const container = $('cy');
    fill(container);
    if (graph.nodes.length > MAX_DRAWN_NODES) {
      fill(container, el('p', { class: 'hint', style: 'padding: 1rem' },
        `This model has ${number.format(graph.nodes.length)} nodes, too many to draw readably (the limit is ${number.format(MAX_DRAWN_NODES)}). `,
        'Type an id in the Fail box above to see its blast radius.'));
      return;
    }
    const cy = cytoscape({
      container,
      elements: elements(graph),
      style: STYLE,
      layout: { name: 'preset', positions: layeredPositions(graph), fit: true, padding: 20 },
      minZoom: 0.1,
      maxZoom: 3,
    });
    state.cy = cy;
    cy.on('tap', 'node', (event) => {
      const node = event.target;
      const kind = node.data('kind');
      if (kind === 'function') return showFunction(node.id().slice('function:'.length));
      if (kind === 'group') return;
      runWhatIf([node.id()]);
    });
    cy.on('tap', (event) => { if (event.target === cy) clearHighlight(); });
  }

  function clearHighlight() {
    if (!state.cy) return;
    state.cy.elements().removeClass('down degraded failed faded faded-box on-path');
  }

  function resetPanel() {
    clearHighlight();
    state.whatIf = null;
    fill($('panel'),
      el('h2', {}, 'Click anything in the graph'),
      el('p', {}, 'Pick a provider, region, zone, provider service or one of your components: the dashboard fails it and shows what goes ',
        el('b', { class: 't-down' }, 'down'), ' or ', el('b', { class: 't-degraded' }, 'degraded'),
        ' with it, which business functions stop, what is at stake per hour, and the path each failure took.'),
      el('p', { class: 'hint' }, 'Arrows point from a component to what it depends on. Boxes group a provider\u2019s regions, zones and services. Click a purple business function to see what it rests on.'));
  }

  // ---------------------------------------------------------------- what-if

  async function runWhatIf(ids) {
    document.body.dataset.whatIf = 'running';
    try {
      const result = await api('POST', `/api/models/${state.modelId}/what-if`, { fail: ids });
      showWhatIf(result);
    } catch (error) {
      reportError(error);
    } finally {
      document.body.dataset.whatIf = state.whatIf ? 'shown' : 'idle';
    }
  }

  function highlight(result) {
    const cy = state.cy;
    if (!cy) return;
    clearHighlight();
    const down = new Set(result.down);
    const degraded = new Set(result.degraded);
    const failed = new Set(result.failed);
    const statusOf = new Map(result.functions.map((f) => [f.id, f.status]));
    cy.nodes().forEach((node) => {
      const id = node.id();
      let status = null;
      if (node.data('kind') === 'function') status = statusOf.get(id.slice('function:'.length));
      else if (node.data('kind') === 'group') status = null;
      else status = down.has(id) ? 'down' : degraded.has(id) ? 'degraded' : null;
      if (status === 'down' || status === 'degraded') node.addClass(status);
      // A box's opacity would dim everything inside it, so boxes fade their own paint only.
      else node.addClass(node.isParent() ? 'faded-box' : 'faded');
      if (failed.has(id)) node.addClass('failed');
    });
    cy.edges().forEach((edge) => {
      const target = edge.target();
      if (target.hasClass('down') && edge.source().hasClass('down')) edge.addClass('down');
      else edge.addClass('faded');
    });
    // Groups whose owner fell are drawn with it.
    cy.nodes('[kind = "group"]').forEach((group) => {
      const owner = group.incomers('node');
      if (owner.some((n) => n.hasClass('down'))) group.removeClass('faded');
    });
  }

  function showWhatIf(result) {
    state.whatIf = result;
    highlight(result);
    const functionsDown = result.functions.filter((f) => f.status === 'down');
    const functionsDegraded = result.functions.filter((f) => f.status === 'degraded');
    const explanations = new Map(result.explanations.map((e) => [e.id, e]));
    const kindOf = new Map(state.graph.nodes.map((n) => [n.id, n.kind]));
    const components = (status) => result.explanations.filter((e) => e.status === status && kindOf.get(e.id) === 'component');
    const providerNodes = result.explanations.filter((e) => kindOf.get(e.id) !== 'component');

    const pathText = (path) => path.join(' \u2190 ');
    const item = (explanation) => el('li', {
      class: 'clickable', 'data-id': explanation.id, title: 'Show this failure\u2019s path in the graph',
      onclick: (event) => selectPath(explanation, event.currentTarget),
    }, el('div', {}, explanation.id), el('div', { class: 'path' }, pathText(explanation.path)));

    fill($('panel'),
      el('h2', {}, 'If ', result.failed.join(', '), ' fail', result.failed.length === 1 ? 's' : ''),
      el('div', { class: 'stake' },
        el('div', { class: 'down' }, el('b', {}, `${functionsDown.length} of ${result.functions.length}`), 'business functions down'),
        el('div', { class: 'down' }, el('b', {}, perHour(result.at_stake.down.cost_per_hour)), `${number.format(result.at_stake.down.users)} users cut off`),
        el('div', { class: 'degraded' }, el('b', {}, String(functionsDegraded.length)), 'functions degraded'),
        el('div', {}, el('b', {}, String(result.down.length)), `nodes down, ${result.degraded.length} degraded`)),
      el('h3', {}, 'Business functions'),
      el('ul', { class: 'items', id: 'function-list' }, result.functions.map((f) => {
        const culprit = f.culprits[0];
        return el('li', {
          class: f.culprits.length ? 'clickable' : '',
          onclick: culprit && explanations.has(culprit) ? (event) => selectPath(explanations.get(culprit), event.currentTarget) : undefined,
        },
        el('div', { class: 'fn-row' }, el('span', { class: 'badge ' + f.status }, f.status.toUpperCase()), el('span', {}, f.id),
          el('span', { class: 'meta' }, `${number.format(f.users)} users · ${perHour(f.cost_per_hour)}`)),
        f.culprits.map((c) => el('div', { class: 'path' }, explanations.has(c) ? pathText(explanations.get(c).path) : c)));
      })),
      el('h3', {}, `Components down (${components('down').length})`),
      el('p', { class: 'hint' }, 'Click one to trace the path its failure took.'),
      el('ul', { class: 'items', id: 'down-list' }, components('down').map(item)),
      components('degraded').length ? el('h3', {}, `Components degraded (${components('degraded').length})`) : null,
      el('ul', { class: 'items', id: 'degraded-list' }, components('degraded').map(item)),
      el('h3', {}, `Provider nodes down (${providerNodes.length})`),
      el('ul', { class: 'items' }, providerNodes.map(item)),
    );
  }

  /** Highlights the path by which a node failed: each hop is an edge, a redundant group, or a
   * region or zone the node sits in. */
  function selectPath(explanation, listItem) {
    document.querySelectorAll('#panel li.selected').forEach((li) => li.classList.remove('selected'));
    if (listItem) listItem.classList.add('selected');
    state.selectedPath = explanation.path;
    const cy = state.cy;
    if (!cy) return;
    cy.elements().removeClass('on-path');
    const path = explanation.path;
    for (let i = 0; i < path.length; i++) {
      cy.getElementById(path[i]).addClass('on-path');
      if (i + 1 === path.length) break;
      const from = path[i];
      const to = path[i + 1];
      const direct = cy.edges().filter((e) => e.source().id() === from && e.target().id() === to);
      direct.addClass('on-path');
      cy.edges().filter((e) => e.source().id() === from && e.target().data('kind') === 'group').forEach((edge) => {
        const group = edge.target();
        const toMember = group.outgoers('edge').filter((m) => m.target().id() === to);
        if (toMember.length) { edge.addClass('on-path'); group.addClass('on-path'); toMember.addClass('on-path'); }
      });
    }
  }

  function showFunction(id) {
    const fn = state.graph.functions.find((f) => f.id === id);
    if (!fn) return;
    clearHighlight();
    const cy = state.cy;
    const node = cy.getElementById('function:' + id);
    const reached = node.successors().add(node);
    cy.elements().not(reached).addClass('faded');
    fill($('panel'),
      el('h2', {}, 'Business function ', fn.id),
      fn.description ? el('p', {}, fn.description) : null,
      el('ul', { class: 'items' },
        el('li', {}, fn.critical ? 'Critical function' : 'Not marked critical'),
        el('li', {}, `${number.format(fn.users)} users, ${perHour(fn.cost_per_hour)} when down`),
        el('li', {}, fn.slo_percent === null ? 'No SLO' : `SLO ${fn.slo_percent}%`),
        el('li', {}, 'Delivered by: ', fn.delivered_by.join(', '))),
      el('p', { class: 'hint' }, 'Everything it rests on stays lit in the graph. See its cut sets and importance: '),
      el('button', { class: 'button', type: 'button', onclick: () => { $('risk-function').value = id; showView('risk'); runRisk(); } }, 'Cut sets & importance'));
  }

  // ---------------------------------------------------------------- risk

  async function runRisk() {
    const fn = $('risk-function').value;
    if (!fn) return;
    const maxOrder = Number($('risk-order').value);
    fill($('cutsets'), el('p', { class: 'hint' }, 'Computing…'));
    fill($('importance'), el('p', { class: 'hint' }, 'Computing…'));
    try {
      const [sets, ranking] = await Promise.all([
        api('POST', `/api/models/${state.modelId}/cutsets`, { function: fn, max_order: maxOrder }),
        api('POST', `/api/models/${state.modelId}/importance`, { function: fn }),
      ]);
      showCutSets(sets);
      showImportance(ranking);
    } catch (error) {
      fill($('cutsets')); fill($('importance'));
      reportError(error);
    }
  }

  function showCutSets(result) {
    const byOrder = new Map();
    for (const set of result.cut_sets) {
      if (!byOrder.has(set.length)) byOrder.set(set.length, []);
      byOrder.get(set.length).push(set);
    }
    const heading = (order, count) => order === 1
      ? `Single points of failure (${count}): each alone takes ${result.function} down`
      : order === 2 ? `Pairs (${count})` : `Sets of ${order} (${count})`;
    fill($('cutsets'),
      result.cut_sets.length === 0
        ? el('p', {}, `No set of up to ${result.max_order} failures takes ${result.function} down.`)
        : [...byOrder.entries()].map(([order, sets]) => el('div', {},
          el('h3', {}, heading(order, sets.length)),
          el('div', {}, sets.map((set) => el('span', { class: 'set' }, set.join(' + ')))))));
  }

  function showImportance(result) {
    const events = result.events.slice(0, 20);
    const maxFv = Math.max(1e-300, ...events.map((e) => e.fussell_vesely || 0));
    fill($('importance'),
      el('p', {}, `Unavailability of ${result.function}: `, el('b', {}, sci(result.unavailability)),
        result.without_never_failing ? ' (nodes without availability data left out: the full diagram was too large)' : ''),
      el('table', {},
        el('thead', {}, el('tr', {}, el('th', {}, 'Node'), el('th', {}, 'Share of risk (FV)'), el('th', { class: 'num' }, 'FV'),
          el('th', { class: 'num', title: 'Risk achievement worth: how much worse if this node were always down' }, 'RAW'),
          el('th', { class: 'num', title: 'Birnbaum: how much the function\u2019s unavailability moves with this node' }, 'Birnbaum'))),
        el('tbody', {}, events.map((e) => el('tr', {},
          el('td', {}, e.id),
          el('td', {}, el('div', { class: 'bar' }, el('i', { style: `width: ${(100 * (e.fussell_vesely || 0)) / maxFv}%` }))),
          el('td', { class: 'num' }, sci(e.fussell_vesely)),
          el('td', { class: 'num' }, sci(e.risk_achievement_worth)),
          el('td', { class: 'num' }, sci(e.birnbaum)))))),
      result.events.length > events.length ? el('p', { class: 'hint' }, `and ${result.events.length - events.length} more nodes`) : null);
  }

  // ---------------------------------------------------------------- availability

  async function runAvailability() {
    fill($('availability'), el('p', { class: 'hint' }, 'Computing…'));
    try {
      showAvailability(await api('POST', `/api/models/${state.modelId}/availability`, {}));
    } catch (error) {
      fill($('availability'));
      reportError(error);
    }
  }

  function showAvailability(result) {
    const MINUTES_PER_YEAR = 365.25 * 24 * 60;
    const worst = Math.max(1, ...result.functions.map((f) => Math.max(f.downtime_minutes_per_year,
      f.slo === null ? 0 : (1 - f.slo / 100) * MINUTES_PER_YEAR)));
    fill($('availability'),
      el('h2', {}, 'Expected downtime a year against each SLO'),
      el('p', { class: 'hint' }, 'The black tick is the downtime the SLO allows; the bar is the downtime the model predicts.'),
      el('table', {},
        el('thead', {}, el('tr', {}, el('th', {}, 'Business function'), el('th', { class: 'num' }, 'Availability'),
          el('th', { class: 'num' }, 'SLO'), el('th', { class: 'num' }, 'Downtime / year'), el('th', { class: 'num' }, 'SLO allows'),
          el('th', {}, 'Downtime vs budget'), el('th', {}, 'Meets SLO?'))),
        el('tbody', {}, result.functions.map((f) => {
          const budget = f.slo === null ? null : (1 - f.slo / 100) * MINUTES_PER_YEAR;
          const verdict = f.meets_slo === null ? 'unknown' : f.meets_slo ? 'yes' : 'no';
          return el('tr', { 'data-function': f.id },
            el('td', {}, f.id),
            el('td', { class: 'num' }, (100 * (1 - f.unavailability)).toFixed(4) + '%'),
            el('td', { class: 'num' }, f.slo === null ? '–' : f.slo + '%'),
            el('td', { class: 'num' }, minutes(f.downtime_minutes_per_year)),
            el('td', { class: 'num' }, budget === null ? '–' : minutes(budget)),
            el('td', {}, el('div', { class: 'bar' + (f.meets_slo === false ? ' over' : '') },
              el('i', { style: `width: ${(100 * f.downtime_minutes_per_year) / worst}%` }),
              budget === null ? null : el('span', { class: 'budget', style: `left: ${(100 * budget) / worst}%` }))),
            el('td', {}, el('span', { class: 'badge ' + verdict }, verdict === 'unknown' ? 'NO SLO' : verdict.toUpperCase())));
        }))),
      result.lacking_data.length
        ? el('p', { class: 'hint' }, `${result.lacking_data.length} nodes have no availability data and were treated as never failing by themselves: `,
          result.lacking_data.join(', '))
        : null);
  }

  // ---------------------------------------------------------------- history

  function describeParams(run) {
    const p = run.params || {};
    if (run.kind === 'what-if') return 'fail ' + (p.fail || []).join(', ');
    const parts = [];
    if (p.function) parts.push(p.function);
    else parts.push('every function');
    if (p.max_order) parts.push('up to ' + p.max_order);
    return parts.join(', ');
  }

  async function loadHistory() {
    const query = new URLSearchParams({ limit: '100' });
    if (!$('history-all-models').checked && state.modelId) query.set('model', state.modelId);
    if ($('history-kind').value) query.set('kind', $('history-kind').value);
    try {
      const { runs } = await api('GET', '/api/runs?' + query);
      const names = new Map(state.models.map((m) => [m.id, m.name]));
      fill($('history'), runs.length === 0 ? el('p', { class: 'hint' }, 'No runs yet: every analysis you run is kept here.') :
        el('table', { id: 'history-table' },
          el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'When (UTC)'), el('th', {}, 'Model'), el('th', {}, 'Analysis'),
            el('th', {}, 'Inputs'), el('th', { class: 'num' }, 'Took'))),
          el('tbody', {}, runs.map((run) => el('tr', { class: 'clickable', onclick: (event) => showRun(run.id, event.currentTarget) },
            el('td', {}, run.id), el('td', {}, run.created_at.replace('T', ' ').replace(/\.\d+Z$/, '')),
            el('td', {}, names.get(run.model_id) || '#' + run.model_id), el('td', {}, run.kind),
            el('td', {}, describeParams(run)), el('td', { class: 'num' }, run.duration_ms.toFixed(1) + ' ms'))))));
    } catch (error) {
      reportError(error);
    }
  }

  async function showRun(id, row) {
    document.querySelectorAll('#history tr.selected').forEach((r) => r.classList.remove('selected'));
    if (row) row.classList.add('selected');
    const run = await api('GET', `/api/runs/${id}`);
    const actions = [];
    if (run.kind === 'what-if' && run.model_id === state.modelId) {
      actions.push(el('button', { class: 'button', type: 'button', onclick: () => { showView('graph'); showWhatIf(run.result); } }, 'Show on the graph'));
    }
    fill($('history-detail'),
      el('h2', {}, `Run #${run.id}: ${run.kind}`),
      el('p', {}, `${run.created_at} · ${describeParams(run)} · ${run.duration_ms.toFixed(1)} ms`),
      actions,
      el('pre', { class: 'json' }, JSON.stringify(run.result, null, 2)));
  }

  // ---------------------------------------------------------------- views and start

  function activeView() {
    const tab = document.querySelector('.tabs button[aria-selected="true"]');
    return tab ? tab.dataset.view : 'graph';
  }

  function showView(name) {
    document.querySelectorAll('.tabs button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.view === name)));
    document.querySelectorAll('.view').forEach((v) => v.classList.toggle('active', v.id === 'view-' + name));
    if (name === 'graph' && state.cy) state.cy.resize();
    if (name === 'history') loadHistory();
    if (name === 'availability' && !$('availability').childElementCount && state.modelId) runAvailability();
    if (name === 'risk' && !$('cutsets').childElementCount && state.modelId) runRisk();
  }

  function start() {
    // The server prints the dashboard's address with `#token=…`: keep it, then drop it from the bar.
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get('token')) {
      localStorage.setItem(TOKEN_KEY, hash.get('token'));
      history.replaceState(null, '', location.pathname + location.search);
    }
    updateTokenButton();
    document.querySelectorAll('.tabs button').forEach((b) => b.addEventListener('click', () => showView(b.dataset.view)));
    $('model-select').addEventListener('change', (e) => openModel(Number(e.target.value)).catch(reportError));
    $('upload').addEventListener('change', (e) => { if (e.target.files[0]) upload(e.target.files[0]); e.target.value = ''; });
    $('token-button').addEventListener('click', () => askToken());
    $('fail-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const ids = $('fail-input').value.split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length) runWhatIf(ids);
    });
    $('reset').addEventListener('click', () => { $('fail-input').value = ''; resetPanel(); });
    $('risk-run').addEventListener('click', runRisk);
    $('availability-run').addEventListener('click', runAvailability);
    $('history-refresh').addEventListener('click', loadHistory);
    $('history-kind').addEventListener('change', loadHistory);
    $('history-all-models').addEventListener('change', loadHistory);
    loadModels()
      .then(() => { document.body.dataset.ready = 'yes'; })
      .catch((error) => { document.body.dataset.ready = 'error'; reportError(error); });
  }

  start();
})();
