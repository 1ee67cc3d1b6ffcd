/// The page `d3viz` writes: inline style and script that lay out and draw the graph as SVG, with no
/// library and no network. The layout is layered, as Graphviz's `dot` does it: each node one layer below
/// the deepest node it reads, leaves just above their first reader, then a few barycentre sweeps to
/// untangle the order within layers.
enum D3VizPage {
    static func html(title: String, json: String) -> String {
        let escapedTitle = title.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return template.replacingOccurrences(of: "__TITLE__", with: escapedTitle)
            .replacingOccurrences(of: "__DATA__", with: json)
    }

    static let template = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>__TITLE__</title>
    <style>
    html, body { margin: 0; height: 100%; font: 13px Helvetica, Arial, sans-serif; color: #222; }
    body { display: flex; }
    #main { flex: 1; position: relative; overflow: hidden; background: #fff; }
    #toolbar { position: absolute; top: 8px; left: 8px; z-index: 1; background: rgba(255,255,255,0.94);
               border: 1px solid #bbb; border-radius: 4px; padding: 6px 8px; }
    #toolbar button { font: inherit; margin-right: 8px; }
    #caption { display: block; margin-top: 4px; color: #555; }
    #canvas { width: 100%; height: 100%; cursor: grab; display: block; }
    #panel { width: 330px; border-left: 1px solid #bbb; padding: 10px 12px; overflow: auto; background: #f7f7f7; }
    #panel h2 { font-size: 15px; margin: 4px 0 8px; word-break: break-all; }
    #details table { border-collapse: collapse; width: 100%; }
    #details td { vertical-align: top; padding: 3px 4px; border-bottom: 1px solid #e4e4e4; word-break: break-word; }
    #details td:first-child { color: #666; white-space: nowrap; }
    #legend { margin-top: 16px; }
    #legend h3 { font-size: 13px; margin: 10px 0 4px; }
    .swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #555; margin-right: 6px; vertical-align: -2px; }
    .rewrite-item { cursor: pointer; }
    .rewrite-item:hover { text-decoration: underline; }
    .node { cursor: pointer; }
    .node rect, .node ellipse { stroke: #333; stroke-width: 1; }
    .node text { font-size: 12px; pointer-events: none; }
    .node.selected rect, .node.selected ellipse { stroke: #d62728; stroke-width: 3; }
    .marks .node.rewritten ellipse { stroke: #e6550d; stroke-width: 3; stroke-dasharray: 6 2; }
    .node.highlight ellipse { stroke: #e6550d; stroke-width: 5; }
    .edge path { fill: none; stroke: #666; stroke-width: 1.2; }
    .edge.update path { stroke: #1f4fbf; stroke-dasharray: 6 3; }
    .edge text { font-size: 10px; fill: #666; }
    </style>
    </head>
    <body>
    <div id="main">
      <div id="toolbar">
        <button id="toggle" type="button">Show the graph before optimization</button>
        <label><input id="marks" type="checkbox" checked> mark nodes that rewrites produced</label>
        <span id="caption"></span>
      </div>
      <svg id="canvas" xmlns="http://www.w3.org/2000/svg">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="#666"/>
          </marker>
        </defs>
        <g id="viewport"></g>
      </svg>
    </div>
    <div id="panel">
      <h2 id="selection">Click a node</h2>
      <div id="details"><p>Its op, type and shape show here, and which rewrite produced it.</p></div>
      <div id="legend"></div>
    </div>
    <script>
    "use strict";
    const DATA = __DATA__;
    const SVG = "http://www.w3.org/2000/svg";
    const state = { view: "optimized", selected: null, transform: { x: 0, y: 0, k: 1 } };

    function element(name, attributes, parent) {
      const e = document.createElementNS(SVG, name);
      for (const key in attributes) e.setAttribute(key, attributes[key]);
      if (parent) parent.appendChild(e);
      return e;
    }

    // Layers: each node one below the deepest node it reads; leaves just above their first reader.
    function layout(graph) {
      const preds = new Map(), succs = new Map(), layer = new Map();
      graph.nodes.forEach(n => { preds.set(n.id, []); succs.set(n.id, []); });
      graph.edges.forEach(e => { succs.get(e.source).push(e.target); preds.get(e.target).push(e.source); });
      graph.nodes.forEach(n => layer.set(n.id, preds.get(n.id).reduce((l, p) => Math.max(l, layer.get(p) + 1), 0)));
      graph.nodes.forEach(n => {
        const readers = succs.get(n.id);
        if (preds.get(n.id).length === 0 && readers.length > 0) layer.set(n.id, Math.min(...readers.map(s => layer.get(s))) - 1);
      });
      const layers = [];
      graph.nodes.forEach(n => { const l = layer.get(n.id); (layers[l] = layers[l] || []).push(n); });
      const position = new Map();
      const index = () => layers.forEach(row => row.forEach((n, i) => position.set(n.id, i)));
      index();
      const centre = (ids, fallback) => ids.length ? ids.reduce((s, id) => s + position.get(id), 0) / ids.length : fallback;
      for (let sweep = 0; sweep < 6; sweep++) {
        const down = sweep % 2 === 0;
        const order = down ? layers : layers.slice().reverse();
        order.forEach(row => {
          if (!row) return;
          const key = new Map(row.map((n, i) => [n.id, centre(down ? preds.get(n.id) : succs.get(n.id), i)]));
          row.sort((a, b) => key.get(a.id) - key.get(b.id));
          row.forEach((n, i) => position.set(n.id, i));
        });
      }
      const gap = 28, rowHeight = 96;
      graph.nodes.forEach(n => { n.w = Math.max(60, n.label.length * 7 + 26); n.h = 32; });
      layers.forEach((row, l) => {
        if (!row) return;
        const width = row.reduce((s, n) => s + n.w, 0) + gap * (row.length - 1);
        let x = -width / 2;
        row.forEach(n => { n.x = x + n.w / 2; n.y = l * rowHeight; x += n.w + gap; });
      });
      // Pull each node towards the nodes it touches, keeping the order and the gaps.
      for (let pass = 0; pass < 8; pass++) {
        layers.forEach(row => {
          if (!row) return;
          row.forEach(n => {
            const near = preds.get(n.id).concat(succs.get(n.id)).map(id => graph.byId.get(id).x);
            if (near.length) n.x = (n.x + near.reduce((a, b) => a + b, 0) / near.length) / 2;
          });
          for (let i = 1; i < row.length; i++) {
            const min = row[i - 1].x + row[i - 1].w / 2 + gap + row[i].w / 2;
            if (row[i].x < min) row[i].x = min;
          }
        });
      }
    }

    function draw() {
      const graph = DATA[state.view];
      graph.byId = new Map(graph.nodes.map(n => [n.id, n]));
      layout(graph);
      const viewport = document.getElementById("viewport");
      viewport.textContent = "";
      const edges = element("g", { class: "edges" }, viewport);
      graph.edges.forEach(e => {
        const a = graph.byId.get(e.source), b = graph.byId.get(e.target);
        const g = element("g", { class: e.update ? "edge update" : "edge" }, edges);
        const y1 = a.y + a.h / 2, y2 = b.y - b.h / 2, dy = (y2 - y1) / 2;
        element("path", { d: `M${a.x},${y1} C${a.x},${y1 + dy} ${b.x},${y2 - dy} ${b.x},${y2}`, "marker-end": "url(#arrow)" }, g);
        const label = element("text", { x: (a.x + b.x) / 2 + 4, y: (y1 + y2) / 2, "text-anchor": "start" }, g);
        label.textContent = e.label;
      });
      const nodes = element("g", { class: "nodes" }, viewport);
      graph.nodes.forEach(n => {
        const classes = ["node", n.kind];
        if (n.rewrite) classes.push("rewritten");
        const g = element("g", { class: classes.join(" "), id: "node-" + n.id, transform: `translate(${n.x},${n.y})` }, nodes);
        if (n.kind === "apply") element("ellipse", { rx: n.w / 2, ry: n.h / 2, fill: n.color }, g);
        else element("rect", { x: -n.w / 2, y: -n.h / 2, width: n.w, height: n.h, fill: n.color }, g);
        const text = element("text", { "text-anchor": "middle", dy: "0.35em", fill: n.kind === "output" ? "#fff" : "#111" }, g);
        text.textContent = n.label;
        g.addEventListener("click", event => { event.stopPropagation(); select(n.id); });
      });
      const rewritten = graph.nodes.filter(n => n.rewrite).length;
      const applies = graph.nodes.filter(n => n.kind === "apply").length;
      document.getElementById("caption").textContent = state.view === "optimized"
        ? `Optimized graph: ${applies} apply nodes, ${rewritten} produced by rewrites`
        : `Before optimization: ${applies} apply nodes, as written`;
      document.getElementById("toggle").textContent = state.view === "optimized"
        ? "Show the graph before optimization" : "Show the optimized graph";
      legend(graph);
      fit(graph);
      state.selected = null;
      showDetails(null);
    }

    function legend(graph) {
      const box = document.getElementById("legend");
      box.textContent = "";
      const heading = document.createElement("h3");
      heading.textContent = "Colours";
      box.appendChild(heading);
      [["limegreen", "input"], ["springgreen", "constant"], ["yellowgreen", "shared variable"], ["dodgerblue", "output"],
       ["#FFAABB", "elementwise"], ["#FFAAFF", "subtensor"], ["#FFAA22", "alloc"], ["yellow", "scan"], ["cyan", "shape"],
       ["magenta", "ifelse"], ["white", "other op"]].forEach(([color, what]) => {
        const row = document.createElement("div");
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = color;
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(what));
        box.appendChild(row);
      });
      const counts = new Map();
      graph.nodes.forEach(n => { if (n.rewrite) counts.set(n.rewrite, (counts.get(n.rewrite) || 0) + 1); });
      if (counts.size === 0) return;
      const title = document.createElement("h3");
      title.textContent = "Rewrites that produced nodes";
      box.appendChild(title);
      [...counts.entries()].sort().forEach(([name, count]) => {
        const row = document.createElement("div");
        row.className = "rewrite-item";
        row.textContent = `${name} (${count})`;
        row.addEventListener("click", () => {
          document.querySelectorAll(".node").forEach(e => e.classList.remove("highlight"));
          graph.nodes.filter(n => n.rewrite === name).forEach(n => document.getElementById("node-" + n.id).classList.add("highlight"));
        });
        box.appendChild(row);
      });
    }

    function select(id) {
      const graph = DATA[state.view];
      document.querySelectorAll(".node.selected").forEach(e => e.classList.remove("selected"));
      const node = graph.nodes.find(n => n.id === id) || null;
      state.selected = node;
      if (node) document.getElementById("node-" + node.id).classList.add("selected");
      showDetails(node);
    }

    function showDetails(node) {
      const heading = document.getElementById("selection"), details = document.getElementById("details");
      details.textContent = "";
      if (!node) { heading.textContent = "Click a node"; return; }
      heading.textContent = node.label;
      const table = document.createElement("table");
      node.details.forEach(([what, value]) => {
        const row = table.insertRow();
        row.insertCell().textContent = what;
        row.insertCell().textContent = value;
      });
      details.appendChild(table);
    }

    // Zoom with the wheel, pan by dragging.
    function fit(graph) {
      const svg = document.getElementById("canvas");
      const width = svg.clientWidth || 800, height = svg.clientHeight || 600;
      const xs = graph.nodes.map(n => n.x - n.w / 2).concat(graph.nodes.map(n => n.x + n.w / 2));
      const ys = graph.nodes.map(n => n.y - n.h / 2).concat(graph.nodes.map(n => n.y + n.h / 2));
      const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
      // Fit the graph, but never so small that labels cannot be read: a big graph opens at its top
      // and the wheel and dragging reach the rest.
      const k = Math.max(0.6, Math.min(1.5, (width - 40) / (maxX - minX + 1), (height - 110) / (maxY - minY + 1)));
      state.transform = { k, x: (width - k * (minX + maxX)) / 2, y: 90 - k * minY };
      applyTransform();
    }
    function applyTransform() {
      const t = state.transform;
      document.getElementById("viewport").setAttribute("transform", `translate(${t.x},${t.y}) scale(${t.k})`);
    }
    (function () {
      const svg = document.getElementById("canvas");
      let drag = null;
      svg.addEventListener("wheel", event => {
        event.preventDefault();
        const t = state.transform, factor = Math.exp(-event.deltaY * 0.0015);
        const box = svg.getBoundingClientRect(), px = event.clientX - box.left, py = event.clientY - box.top;
        t.x = px - (px - t.x) * factor; t.y = py - (py - t.y) * factor; t.k *= factor;
        applyTransform();
      }, { passive: false });
      svg.addEventListener("mousedown", event => { drag = { x: event.clientX, y: event.clientY }; svg.style.cursor = "grabbing"; });
      window.addEventListener("mousemove", event => {
        if (!drag) return;
        state.transform.x += event.clientX - drag.x; state.transform.y += event.clientY - drag.y;
        drag = { x: event.clientX, y: event.clientY };
        applyTransform();
      });
      window.addEventListener("mouseup", () => { drag = null; svg.style.cursor = "grab"; });
      svg.addEventListener("click", () => select(null));
    })();

    document.getElementById("toggle").addEventListener("click", () => {
      state.view = state.view === "optimized" ? "original" : "optimized";
      draw();
    });
    document.getElementById("marks").addEventListener("change", event => {
      document.body.classList.toggle("marks", event.target.checked);
    });
    document.body.classList.add("marks");

    // `graph.html#view=original&select=n3` opens on a view with a node selected, as a click would.
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get("view") === "original") state.view = "original";
    draw();
    if (hash.get("select")) select(hash.get("select"));
    </script>
    </body>
    </html>
    """#
}
