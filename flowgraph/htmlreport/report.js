/* flowgraph report: pan and zoom, search, highlights, the node panel, #node=ID links.
   Hand-written for flowgraph (MIT), no library, no request. Payload text is only ever set
   with textContent or as an attribute value; links only for http(s) URLs. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fg-data").textContent);
  var nodes = data.nodes;
  var ids = Object.keys(nodes).sort();
  var critical = new Set(data.critical.nodes);
  var blocked = new Set(), roots = new Set();
  data.verdict.blocked.forEach(function (b) {
    blocked.add(b.node);
    b.causes.forEach(function (c) { roots.add(c); });
  });
  var $ = function (id) { return document.getElementById(id); };
  var panel = $("panel"), message = $("message"), viewport = $("viewport");
  var views = {}, current = "collapsed", selected = null;

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  function say(text) { message.textContent = text; }

  /* -- the pictures: which drawn box is which node -------------------------------------- */
  Object.keys(data.views).forEach(function (name) {
    var div = $("view-" + name), svg = div && div.querySelector("svg");
    if (!svg) return;
    var spec = data.views[name];
    var v = { name: name, div: div, svg: svg, boxes: {}, byNode: new Map(), clusters: new Map() };
    svg.querySelectorAll("g.node").forEach(function (g) {
      var t = g.querySelector("title"), id = t ? t.textContent : "";
      if (!has(spec.boxes, id)) return;
      var info = spec.boxes[id];
      v.boxes[id] = { g: g, info: info };
      g.setAttribute("data-box", id);
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", info.node || info.members[0]);
      info.members.forEach(function (m) { v.byNode.set(m, g); });
    });
    svg.querySelectorAll("g.cluster").forEach(function (g) {
      var t = g.querySelector("title"), id = t ? t.textContent : "";
      if (!has(spec.loops, id)) return;
      g.classList.add("fg-loop");
      g.setAttribute("data-loop", spec.loops[id]);
      v.clusters.set(spec.loops[id], g);
    });
    var vb = svg.viewBox.baseVal;
    v.home = [vb.x, vb.y, vb.width, vb.height];
    v.vb = v.home.slice();
    views[name] = v;
  });

  /* -- pan and zoom: the viewBox ---------------------------------------------------------- */
  function apply(v) { v.svg.setAttribute("viewBox", v.vb.join(" ")); }
  function scale(v) {
    var r = v.svg.getBoundingClientRect();
    return Math.max(v.vb[2] / (r.width || 1), v.vb[3] / (r.height || 1));
  }
  function toSvg(v, x, y) {
    var m = v.svg.getScreenCTM();
    if (!m) return { x: v.vb[0] + v.vb[2] / 2, y: v.vb[1] + v.vb[3] / 2 };
    var p = v.svg.createSVGPoint();
    p.x = x; p.y = y;
    return p.matrixTransform(m.inverse());
  }
  function zoom(v, f, c) {
    c = c || { x: v.vb[0] + v.vb[2] / 2, y: v.vb[1] + v.vb[3] / 2 };
    v.vb = [c.x - (c.x - v.vb[0]) / f, c.y - (c.y - v.vb[1]) / f, v.vb[2] / f, v.vb[3] / f];
    apply(v);
  }
  function fit(v) { v.vb = v.home.slice(); apply(v); }
  function boxOf(v, g) {  // g's bounding box in the picture's viewBox units
    var a = v.svg.getScreenCTM(), b = g.getScreenCTM();
    if (!a || !b) return null;
    var m = a.inverse().multiply(b), bb = g.getBBox(), p = v.svg.createSVGPoint();
    p.x = bb.x; p.y = bb.y;
    var p1 = p.matrixTransform(m);
    p.x = bb.x + bb.width; p.y = bb.y + bb.height;
    var p2 = p.matrixTransform(m);
    return { x: Math.min(p1.x, p2.x), y: Math.min(p1.y, p2.y),
             w: Math.abs(p2.x - p1.x), h: Math.abs(p2.y - p1.y) };
  }
  function show(v, g, room) {  // centre g, zooming out or in so that it fits with room
    var b = boxOf(v, g);
    if (!b) return;
    var w = v.vb[2], h = v.vb[3], need = Math.max(b.w * room / w, b.h * room / h);
    if (need > 1 || need < 1 / 8) { w *= need; h *= need; }
    v.vb = [b.x + b.w / 2 - w / 2, b.y + b.h / 2 - h / 2, w, h];
    apply(v);
  }
  var drag = null;
  viewport.addEventListener("mousedown", function (e) {
    if (e.button !== 0) return;
    var v = views[current];
    drag = { x: e.clientX, y: e.clientY, vb: v.vb.slice(), s: scale(v), moved: false };
  });
  window.addEventListener("mousemove", function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y, v = views[current];
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    viewport.classList.add("dragging");
    v.vb = [drag.vb[0] - dx * drag.s, drag.vb[1] - dy * drag.s, drag.vb[2], drag.vb[3]];
    apply(v);
  });
  window.addEventListener("mouseup", function () {
    viewport.classList.remove("dragging");
    if (drag && drag.moved) viewport.dataset.dragged = "1";
    drag = null;
  });
  viewport.addEventListener("wheel", function (e) {
    e.preventDefault();
    var v = views[current];
    zoom(v, e.deltaY < 0 ? 1.2 : 1 / 1.2, toSvg(v, e.clientX, e.clientY));
  }, { passive: false });
  $("zoom-in").addEventListener("click", function () { zoom(views[current], 1.4); });
  $("zoom-out").addEventListener("click", function () { zoom(views[current], 1 / 1.4); });
  $("fit").addEventListener("click", function () { fit(views[current]); });
  viewport.addEventListener("keydown", function (e) {
    var v = views[current], step = 0.1;
    var keys = {
      "+": function () { zoom(v, 1.4); }, "=": function () { zoom(v, 1.4); },
      "-": function () { zoom(v, 1 / 1.4); }, "0": function () { fit(v); },
      ArrowLeft: function () { v.vb[0] -= v.vb[2] * step; apply(v); },
      ArrowRight: function () { v.vb[0] += v.vb[2] * step; apply(v); },
      ArrowUp: function () { v.vb[1] -= v.vb[3] * step; apply(v); },
      ArrowDown: function () { v.vb[1] += v.vb[3] * step; apply(v); }
    };
    if (e.target === viewport && has(keys, e.key)) { e.preventDefault(); keys[e.key](); }
  });

  /* -- views, loops, highlights ----------------------------------------------------------- */
  var toggle = $("toggle-view");
  function setView(name) {
    if (!views[name]) return;
    current = name;
    Object.keys(views).forEach(function (n) { views[n].div.hidden = n !== name; });
    toggle.textContent = name === "expanded" ? "collapse loops" : "expand loops";
    mark();
  }
  toggle.addEventListener("click", function () {
    setView(current === "expanded" ? "collapsed" : "expanded");
  });
  function expandLoop(loop) {
    var v = views.expanded;
    if (!v) { say("this run's loops are drawn as they are: no expanded picture"); return; }
    setView("expanded");
    var g = v.clusters.get(loop);
    if (g) show(v, g, 1.1);
    var folded = Object.keys(v.boxes).some(function (id) {
      return v.boxes[id].info.loop === loop && v.boxes[id].info.members.length > 1;
    });
    say(folded ? "loop " + loop + " has too many copies to draw each (render --max-copies)"
               : "loop " + loop + ": one cluster per iteration");
  }
  function any(members, set) { return members.some(function (m) { return set.has(m); }); }
  function mark() {
    var crit = $("hl-critical").checked, blk = $("hl-blocked").checked;
    Object.keys(views).forEach(function (n) {
      var v = views[n];
      Object.keys(v.boxes).forEach(function (id) {
        var b = v.boxes[id], cl = b.g.classList, m = b.info.members;
        cl.toggle("fg-crit", crit && any(m, critical));
        cl.toggle("fg-root", blk && any(m, roots));
        cl.toggle("fg-blocked", blk && !any(m, roots) && any(m, blocked));
        cl.toggle("fg-sel", selected !== null && v.byNode.get(selected) === b.g);
      });
    });
    document.querySelectorAll(".gantt rect.bar").forEach(function (r) {
      r.classList.toggle("fg-sel", r.getAttribute("data-node") === selected);
    });
  }
  $("hl-critical").addEventListener("change", mark);
  $("hl-blocked").addEventListener("change", mark);

  /* -- the panel -------------------------------------------------------------------------- */
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function link(id) {
    var b = el("button", id, "link");
    b.type = "button";
    b.setAttribute("data-node", id);
    return b;
  }
  function links(list) {
    var span = el("span");
    list.forEach(function (id, i) {
      if (i) span.appendChild(document.createTextNode(", "));
      span.appendChild(has(nodes, id) ? link(id) : el("span", id));
    });
    return span;
  }
  function secs(s) {
    if (s === null || s === undefined) return null;
    if (s < 60) return s.toFixed(1) + "s";
    var m = Math.floor(s / 60);
    return m < 60 ? m + "m" + String(Math.round(s % 60)).padStart(2, "0") + "s"
                  : Math.floor(m / 60) + "h" + String(m % 60).padStart(2, "0") + "m";
  }
  function json(v) { var t = JSON.stringify(v); return t.length > 400 ? t.slice(0, 400) + "..." : t; }
  function input(i) {
    var li = el("li");
    li.appendChild(el("b", i.name));
    if (!i.ref) { li.appendChild(document.createTextNode(" = " + json(i.value))); return li; }
    li.appendChild(document.createTextNode(" \u2190 "));
    li.appendChild(has(nodes, i.ref.node) ? link(i.ref.node) : el("span", i.ref.node));
    li.appendChild(document.createTextNode("." + i.ref.name));
    var r = i.resolved || {};
    if (r.node && r.node !== i.ref.node) {
      li.appendChild(document.createTextNode(" \u2192 "));
      li.appendChild(has(nodes, r.node) ? link(r.node) : el("span", r.node));
    } else if (r.node === null) {
      li.appendChild(document.createTextNode(" (not in the graph)"));
    }
    if (has(r, "iteration")) li.appendChild(document.createTextNode(" item " + r.iteration));
    if (has(r, "value")) li.appendChild(document.createTextNode(" = " + json(r.value)));
    if (has(r, "equal")) li.appendChild(document.createTextNode(" when = " + json(r.equal)));
    return li;
  }
  var copies = {};  // a loop template's copies: the members of its box in the collapsed picture
  Object.keys(data.views.collapsed.boxes).forEach(function (k) {
    var info = data.views.collapsed.boxes[k];
    if (info.node && info.members.length > 1) copies[info.node] = info.members;
  });
  function copiesOf(id) { return has(copies, id) ? copies[id] : null; }
  function fill(d) {  // empty fields are left out of the data
    var timing = d.timing || {}, inputs = d.inputs || [], assets = d.assets || [];
    var blockedBy = d.blocked_by || [];
    panel.textContent = "";
    panel.appendChild(el("h2", d.id));
    if (d.blocked_reason) {
      var why = el("div", null, "why");
      why.id = "why";
      why.appendChild(el("div", "blocked (" + d.blocked_reason + "): " + (d.blocked_message || "")));
      var rc = el("div", "root cause: ");
      rc.appendChild(links(blockedBy));
      why.appendChild(rc);
      panel.appendChild(why);
    }
    if (d.error || d.hint) {
      var err = el("div", null, "err");
      if (d.error) err.appendChild(el("div", "error: " + d.error));
      if (d.hint) err.appendChild(el("div", "hint: " + d.hint));
      panel.appendChild(err);
    }
    var t = el("table"), tb = el("tbody");
    function row(name, value) {
      if (value === null || value === undefined || value === "" ||
          (Array.isArray(value) && !value.length)) return;
      var tr = el("tr");
      tr.appendChild(el("th", name));
      var td = el("td");
      if (Array.isArray(value)) td.appendChild(links(value));
      else if (value instanceof Node) td.appendChild(value);
      else td.textContent = String(value);
      tr.appendChild(td);
      tb.appendChild(tr);
    }
    row("type", d.type); row("status", d.status);
    row("model", d.model_id); row("workflow", d.workflow_id);
    row("loop", d.loop ? [d.loop] : null);
    row("iteration", d.iteration); row("template", d.template ? [d.template] : null);
    row("job", d.job_id);
    row("queued", secs(timing.queued)); row("running", secs(timing.run));
    row("total", secs(timing.total));
    row("cost", d.cost === undefined ? null : d.cost + " CU");
    row("slack", d.slack === undefined ? null
        : data.critical.weight === "hops" ? d.slack + " hop(s)" : secs(d.slack));
    row("on the critical path", critical.has(d.id) ? "yes" : null);
    row("copies", copiesOf(d.id));
    row("depends on", d.depends_on); row("blocked by", blockedBy); row("blocks", d.blocks);
    t.appendChild(tb);
    panel.appendChild(t);
    if (inputs.length) {
      panel.appendChild(el("h3", "inputs"));
      var ul = el("ul");
      inputs.forEach(function (i) { ul.appendChild(input(i)); });
      panel.appendChild(ul);
    }
    if (assets.length) {
      panel.appendChild(el("h3", "assets"));
      var ua = el("ul");
      assets.forEach(function (a) {
        var li = el("li");
        if (a.url && /^https?:\/\//i.test(a.url)) {
          var x = el("a", a.label);
          x.href = a.url; x.target = "_blank"; x.rel = "noopener noreferrer";
          li.appendChild(x);
        } else li.textContent = a.label;
        ua.appendChild(li);
      });
      panel.appendChild(ua);
    }
  }

  /* -- selecting ------------------------------------------------------------------------- */
  function select(id, opts) {
    opts = opts || {};
    if (!has(nodes, id)) { say("no node " + JSON.stringify(id)); return false; }
    selected = id;
    fill(nodes[id]);
    if (opts.own) {  // prefer the picture where the node is a box of its own (a loop copy)
      var mine = function (n) {
        var g = views[n] && views[n].byNode.get(id);
        return g && views[n].boxes[g.getAttribute("data-box")].info.members.length === 1;
      };
      if (!mine(current) && mine(current === "expanded" ? "collapsed" : "expanded")) {
        setView(current === "expanded" ? "collapsed" : "expanded");
      }
    }
    mark();
    var v = views[current], g = v && v.byNode.get(id);
    if (g && opts.centre) show(v, g, 4);
    if (!opts.keepHash) {
      try { history.replaceState(null, "", "#node=" + encodeURIComponent(id)); } catch (e) { /* */ }
    }
    return true;
  }
  function activate(g, v) {
    var info = v.boxes[g.getAttribute("data-box")].info;
    var id = info.node || info.members[0];
    select(id);
    if (v.name === "collapsed" && info.loop && info.members.length > 1) expandLoop(info.loop);
  }
  Object.keys(views).forEach(function (n) {
    var v = views[n];
    v.svg.addEventListener("click", function (e) {
      e.preventDefault();
      if (viewport.dataset.dragged) { delete viewport.dataset.dragged; return; }
      var g = e.target.closest("g.node[data-box]");
      if (g) { activate(g, v); return; }
      var c = e.target.closest("g.cluster[data-loop]");
      if (c && v.name === "collapsed") expandLoop(c.getAttribute("data-loop"));
    });
    v.svg.addEventListener("keydown", function (e) {
      var g = e.target.closest && e.target.closest("g.node[data-box]");
      if (g && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); activate(g, v); }
    });
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.link[data-node]");
    if (b) select(b.getAttribute("data-node"), { own: true, centre: true });
  });
  document.querySelectorAll(".gantt rect.bar[data-node]").forEach(function (r) {
    r.addEventListener("click", function () { select(r.getAttribute("data-node")); });
  });
  var last = { q: null, at: 0 };  // Enter again: the next match
  $("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = $("search").value.trim();
    if (!q) return;
    var lq = q.toLowerCase();
    var hits = has(nodes, q) ? [q] : [];
    ids.forEach(function (id) { if (id !== q && id.toLowerCase().indexOf(lq) >= 0) hits.push(id); });
    if (!hits.length) { say("no node id contains " + JSON.stringify(q)); return; }
    last.at = last.q === q ? (last.at + 1) % hits.length : 0;
    last.q = q;
    select(hits[last.at], { own: true, centre: true });
    say("match " + (last.at + 1) + " of " + hits.length + ": " + hits[last.at] +
        (hits.length > 1 ? " (Enter: next)" : ""));
  });

  /* -- tabs, the URL fragment, ready ----------------------------------------------------- */
  function tab(name) {
    ["graph", "timeline"].forEach(function (n) {
      $(n + "-pane").hidden = n !== name;
      $("tab-" + n).setAttribute("aria-selected", String(n === name));
    });
  }
  $("tab-graph").addEventListener("click", function () { tab("graph"); });
  $("tab-timeline").addEventListener("click", function () { tab("timeline"); });
  function fromHash() {
    var m = /^#node=(.*)$/.exec(location.hash);
    if (!m) return;
    var id;
    try { id = decodeURIComponent(m[1]); } catch (e) { say("bad #node= link"); return; }
    select(id, { own: true, centre: true, keepHash: true });
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  window.fgReadyMs = performance.now();
  window.fgReady = true;
  document.documentElement.setAttribute("data-ready", "1");
})();
